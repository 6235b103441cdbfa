# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = My pages
ms-skip = Skip to content
ms-nav = Menu
ms-languages = Language
ms-language-choose = Choose language
ms-my-cases = My cases
ms-start-case = Start a case
ms-logout = Log out
ms-logged-in-email = You are logged in with a code sent to your e-mail.
ms-logged-in-sms = You are logged in with a code sent to your mobile.
ms-logged-in-eid = You are logged in with e-legitimation.
ms-logged-in-case = You are following a case with its case number and code.
ms-contact-title = Other ways to reach us
ms-contact-phone = Call the Contact Centre: +46 8 508 000 00
ms-contact-text-phone = Text telephone: call 08-508 000 00 through Texttelefoni.se
ms-contact-email = E-mail: kontaktcenter@stockholm.se
ms-privacy = Only you can see your cases here. We log every time a case is shown.

## Log in
ms-login-title = Log in to My pages
ms-login-intro = Here you follow your cases with the city. You can also write to us and send documents.
ms-eid-title = With e-legitimation
ms-eid-text = Use BankID or Freja eID. You will then see all your cases.
ms-eid-button = Log in with e-legitimation
ms-code-title = With a code to your e-mail or mobile
ms-code-text = We send a code to your e-mail or your mobile. You will see the cases where you gave that address.
ms-code-address = E-mail address or mobile number
ms-code-address-hint = For example name@example.com or 070-123 45 67
ms-code-send = Send code
ms-follow-title = Follow a case without logging in
ms-follow-text = You need the case number and the code from the confirmation we sent you.
ms-follow-number = Case number
ms-follow-number-hint = For example KC-2026-000123
ms-follow-token = Code from the confirmation
ms-follow-token-hint = 12 characters, for example ABCD-EFGH-JKMN
ms-follow-button = Show the case
ms-logged-out = You are logged out.

## The code
ms-code-sent-title = Enter the code
ms-code-sent-email = We have sent a code to your e-mail. The code is valid for { $minutes } minutes.
ms-code-sent-sms = We have sent a code to your mobile. The code is valid for { $minutes } minutes.
ms-code-label = Code (6 digits)
ms-code-button = Log in
ms-code-again = No code? Ask for a new one.
ms-code-message-subject = Your code for My pages
ms-code-message-body = Your code for My pages is { $code }. The code is valid for { $minutes } minutes. If you did not ask for a code, you can ignore this message.
ms-code-sms = { $code } is your code for My pages. The code is valid for { $minutes } minutes.

## Errors
ms-error-title = Something needs correcting
ms-error-address = Enter an e-mail address or a mobile number.
ms-error-too-many = We have sent many codes to that address. Wait an hour and try again, or call us.
ms-error-code-format = The code has 6 digits.
ms-error-code-wrong = The code is wrong. You can try { $left } more times.
ms-error-code-expired = The code is no longer valid. Ask for a new code.
ms-error-follow = The case number and the code do not match. Check the confirmation and try again.
ms-error-follow-format = Enter the case number as in the confirmation, for example KC-2026-000123, and the 12-character code.
ms-error-session = You are not logged in, or too much time has passed. Please log in again.
ms-error-not-found = We cannot find such a case among your cases.
ms-error-closed = The case is closed. Start a new case if you need more help.
ms-error-failed = We could not save this just now. Please try again in a while.
ms-error-slow-down = You have tried many times. Wait a while and try again.
ms-error-eid = Logging in with e-legitimation did not work. Please try again.
ms-error-message-empty = Write a message or choose a file.
ms-error-message-long = The message is too long.
ms-error-files = You can send at most 3 files at a time. Each file can be at most 10 MB.
ms-error-phone = Enter a phone number, for example 070-123 45 67.
ms-error-when = Please write less, at most 200 characters.
ms-error-channel = That is not possible. We have no such address in the case. Write the address in a message instead.
ms-error-back = Back

## My cases
ms-cases-none = You have no cases with us under this login.
ms-cases-count = Number of cases: { $count }
ms-cases-open = Open cases
ms-cases-closed = Closed cases
ms-col-number = Case number
ms-col-what = Case
ms-col-status = Where it stands
ms-col-by = Answer by
ms-col-updated = Last changed

## One case
ms-case-title = Case { $number }
ms-back-to-cases = Back to my cases
ms-feedback-now = You will hear from us by: { $channel }
ms-channel-email = e-mail
ms-channel-sms = SMS
ms-channel-phone = phone
ms-channel-letter = letter
ms-channel-none = nothing chosen
ms-documents = Documents
ms-message-title = Write to us
ms-message-text = Message
ms-message-files = Attach documents or photos (if you like)
ms-message-files-hint = At most 3 files. Each file can be at most 10 MB.
ms-message-send = Send
ms-message-sent = Thank you! We have received what you sent.
ms-feedback-title = How do you want to hear from us?
ms-feedback-save = Save
ms-feedback-saved = You will now hear from us the new way.
ms-callback-title = Get a call back
ms-callback-text = Would you rather talk to us? Enter your number and we will call you.
ms-callback-phone = Phone number
ms-callback-when = When suits you? (if you like)
ms-callback-when-hint = For example: weekdays after 3 pm
ms-callback-send = Ask us to call
ms-callback-sent = Thank you! We will call you.
ms-closed-note = The case is closed. You cannot add anything here. Start a new case if you need more help.

## Start a case
ms-start-intro = Choose what suits you.
ms-start-eservices = E-services: report a fault, apply or ask
ms-start-assistant = Ask our web assistant a question
ms-start-call = You can also call us on +46 8 508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Case
resident-status = Where it stands
resident-feedback-by = You will hear from us by
resident-about = What it is about
resident-timeline = What has happened
resident-the-city = the city
resident-status-registered = We have received your case.
resident-status-in-progress = We are working on your case.
resident-status-waiting = We are waiting for an answer from you.
resident-status-handed-over = Your case has been passed to { $to }.
resident-status-closed = The case is closed.
resident-entry-registered = We received your case ({ $channel }).
resident-entry-you-wrote = You wrote:
resident-entry-we-wrote = We answered:
resident-entry-document = We received the document { $name }.
resident-entry-closed = The case was closed.
resident-entry-waiting = We need more information from you.
resident-entry-in-progress = We are working on your case.
resident-entry-handed-over = The case was passed to { $to }.
resident-entry-taken-on = An officer has started working on your case.
resident-entry-new-date = You will hear from us by { $date }.
resident-entry-feedback-channel = You chose to hear from us by { $channel }.
resident-entry-callback = You asked us to call you back.
resident-via-phone = phone
resident-via-email = e-mail
resident-via-sms = SMS
resident-via-e-service = e-service
resident-via-letter = letter
resident-via-visit = visit
resident-via-social-media = social media
resident-via-chat = chat
resident-via-open311 = app
