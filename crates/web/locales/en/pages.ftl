# Kontakt: login, account administration, log review.

## Login

login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
# $attempts is login-failed-attempts, $duration is login-lock-minutes.
login-lock-hint = After { $attempts }, the account is locked for { $duration }.
login-failed-attempts = { $count ->
    [one] 1 failed attempt in a row
   *[other] { $count } failed attempts in a row
}
login-lock-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
login-sso = Log in with your City account (SSO)
login-failed = The login failed: wrong user name or password, or the account is locked or disabled.

## Second factor (one-time code, and enrolling the authenticator app)

second-factor-title = Two-factor login
second-factor-heading = One-time code
second-factor-enrol = Your account needs a second factor. Add this key to your authenticator app and enter the code it shows.
second-factor-key = Key: { $key }
second-factor-app-link = Link for the app: { $link }
second-factor-enter = Enter the code from your authenticator app.
second-factor-code = Code
second-factor-continue = Continue
second-factor-wrong-code = Wrong code. Please try again.

## New password (after an administrator's reset)

new-password-title = New password
new-password-heading = Choose a new password
new-password-intro = An administrator has reset your password. Choose your own, at least { $count } characters long.
new-password-label = New password
new-password-save = Save

## Start page

home-title = Start
home-welcome = Welcome, { $name }
home-registered = Case { $case } is registered and closed as answered at once.
home-sent-back = Case { $case } has been sent back to the contact centre.
home-logged-in-as = Logged in as { $username }

## Account administration

admin-title = Accounts
admin-col-user = User
admin-col-name = Name
admin-col-grants = Grants
admin-col-status = Status
admin-col-actions = Actions
admin-status-disabled = Disabled
admin-status-locked = Locked
admin-status-active = Active
admin-status-second-factor = two-factor
admin-status-no-second-factor = demo without two-factor
admin-status-sso = SSO
admin-enable = Enable
admin-disable = Disable
admin-reset-password = New password
admin-reset-second-factor = New two-factor
admin-new-heading = New account
admin-new-username = User name
admin-new-name = Name
admin-new-grants = Grants (separated by spaces, e.g. agent_l1 group:KC-CITY-1)
admin-new-sso = May log in with the City account (SSO), without a password in Kontakt
admin-create = Create account
admin-created-temporary = The account is created. Temporary password to give to the user: { $password }
admin-created-sso = The account is created for login with the City account (SSO).
admin-disabled = The account { $username } is disabled and logged out.
admin-enabled = The account { $username } is enabled.
admin-password-reset = Temporary password for { $username }: { $password } (changed at the next login)
admin-second-factor-reset = { $username } will register a new second factor at the next login.

## Log review

review-title = Log review
review-board = Board
review-from = From
review-to = To
review-show = Show
review-lookups-count = { $count ->
    [one] 1 lookup.
   *[other] { $count } lookups.
}
review-protected-count = { $count } of people with a protected identity.
review-after-hours-count = { $count } outside office hours.
review-export = Export (CSV)
review-truncated = The period has more entries than the page shows; shorten the period or export.
review-unusual-heading = Unusually many lookups
review-col-user = User
review-col-lookups = Lookups
review-col-peer-median = Median among colleagues
review-lookups-heading = Lookups
review-col-time = Time
review-col-who = Who
review-col-what = What
review-col-object = Object
review-col-purpose = Purpose
review-col-outcome = Outcome
review-col-flags = Flags
review-flag-protected = protected
review-flag-after-hours = after hours

# The residents' e-services (public pages)
eservice-brand = City of Stockholm – e-services
eservice-other-ways = You can also call +46 8 508 000 00, e-mail kontaktcenter@stockholm.se or use a text telephone.
eservice-list-title = E-services
eservice-list-intro = Choose what your matter is about. You get a case number as soon as you have sent the form.
eservice-required-note = Fields marked (required) must be filled in. The other fields are optional.
eservice-not-sent = The form was not sent. Correct what is listed below and send it again.
eservice-files-again = Choose your files again – they are not kept until the form has been sent.
eservice-description = Describe your matter
eservice-district = District
eservice-you = Your details
eservice-you-intro = You may stay anonymous. We then cannot tell you about the case.
eservice-anonymous = I want to stay anonymous
eservice-email = E-mail address
eservice-mobile = Mobile number
eservice-answer-by = How do you want to hear from us?
eservice-by-email = By e-mail
eservice-by-sms = By text message
eservice-by-phone = By a phone call
eservice-by-none = I need no answer
eservice-files = Attach files (optional)
eservice-files-hint = At most 3 files of at most 10 MB each, for example photos or PDF.
eservice-honeypot = Leave this field empty
eservice-send = Send
eservice-privacy = Your details are used only to handle the case. The board responsible for the case is the data controller.
eservice-missing = There is no such e-service
eservice-upload-failed = The file could not be received: { $error }
eservice-file-too-large = The file { $name } is larger than 10 MB.
eservice-too-many-files = You can attach at most { $max } files.
eservice-slow-down = Please wait a while
eservice-slow-down-text = Many forms have been sent from your connection. Wait ten minutes and try again, or call us.
eservice-not-a-form = The form did not arrive as a form. Reload the page and try again.
eservice-thanks = Thank you! We have received your case
eservice-receipt = Your case number is { $number }.
eservice-next = What happens next
eservice-deadline = You will hear from us by { $date }.
eservice-mail-sent = We have sent a confirmation to { $email }.
eservice-keep-number = Keep the case number. Give it if you contact us about the case.
eservice-follow = Follow the case on Mina sidor (My pages) with the case number and the code { $token }.
eservice-follow-link = Follow the case on Mina sidor (My pages)
eservice-more = To all e-services
eservice-failed = The case could not be saved
eservice-failed-text = Something went wrong on our side and nothing was registered. Try again in a while or call us.
