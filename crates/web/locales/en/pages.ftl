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
