# Kontakt: the desk (start page, quick registration, case card, search).

## Words used across the desk
all = all
none = none
choose = choose
required = required
via = by
personnummer = Personal identity number
name = Name
phone = Phone
email = E-mail
feedback-via = Feedback by
overdue = overdue

## Case lists
col-case = Case
col-type = Case type
col-status = Status
col-district = District
col-deadline = Feedback due
table-empty = No cases.

status-registered = Registered
status-in-progress = In progress
status-waiting-for-resident = Waiting for the resident
status-handed-over = Handed over
status-closed = Closed
status-unknown = Unknown status

resolution-first-contact = answered at first contact
resolution-in-centre = resolved in the contact centre
resolution-handed-over = answered by an officer
resolution-referred = referred elsewhere
resolution-unknown = unknown outcome

channel-phone = Phone
channel-email = E-mail
channel-sms = SMS
channel-e-service = E-service
channel-letter = Letter
channel-visit = Visit
channel-social-media = Social media
channel-open311 = Open311 (app)
channel-chat = Chat

## Start page
desk-new-button = New registration (Alt+N)
desk-search-button = Search cases (Alt+S)
desk-mine = My cases
desk-mine-caption = Cases you have accepted
desk-queue = Queue: { $name }
desk-queue-open = { $count } open
desk-oldest = Oldest waiting since { $time }.
desk-due-caption = Feedback due today or overdue
desk-latest-caption = Latest in the queue

## Quick registration
quick-title = New registration
quick-not-saved = The case was not saved. Correct the fields below:
quick-case-type = Case type (type a name, synonym or code)
quick-description = What is it about?
quick-resident = The resident (optional)
quick-save-close = Save and close – answered at once
quick-save-open = Save and open the case
quick-guidance = Guidance: { $type }
quick-fields-legend = Details for { $type }

lookup-none = No earlier contact that you may see.
lookup-found = Earlier contact:
lookup-no-name = (name unknown)
lookup-cases = { $count } cases you may see, latest
lookup-use = Fill in name and phone

## Case card
card-board = Responsible board
card-channel = Channel
card-assigned = Assigned to
card-resident = Resident
card-history = Contact history
card-came-back-question = The officer asks for more information
card-came-back-returned = The officer returned the case
card-description = Description
card-fields = Details
card-guidance = Guidance
card-attachment-program = Warning: a program or script – do not open the file
card-attachments = Attachments
card-related = Linked cases
card-timeline = Timeline
card-reply = Reply to the resident
card-reply-text = Reply
card-reply-channel = Sent by
card-reply-save = Record the reply
card-work-status = Work status
card-set-status = Set to: { $status }
card-deadline = Feedback date
card-deadline-new = New date
card-deadline-reason = Reason (shown on the timeline)
card-deadline-save = Change the date
card-attach = Attach a file
card-attach-file = File (at most 10 MB)
card-attach-save = Attach
card-link = Link to another case
card-link-number = Case number (KC-YYYY-NNNNNN)
card-link-save = Link
card-note = Note
card-note-new = New note
card-note-save = Save the note
card-handover = Hand over to an officer
card-handover-group = Group
card-handover-summary = Summary: what the resident said and was told (required)
card-handover-save = Hand over
card-close = Close
card-close-resolution = Outcome
card-close-handed-over = Answered by an officer after hand-over
card-close-in-centre = Resolved in the contact centre
card-close-referred = Referred elsewhere
card-close-save = Close the case
card-conflict = Someone else changed the case while you worked on it. The page now shows the latest.

entry-registered = Registered
entry-note = Note
entry-message-in = Message from the resident
entry-message-out = Reply to the resident
entry-attachment = Attachment
entry-status-changed = Status changed
entry-handed-over = Handed over
entry-linked = Linked to a case
entry-correction = Correction
entry-deadline-changed = New feedback date
entry-handover-accepted = Accepted by an officer
entry-info-requested = The officer asks for more information
entry-handover-returned = Returned by an officer

officer-heading = Officer's answer
officer-accept = Accept the case
officer-answer = Answer to the resident (closes the case)
officer-answer-channel = The answer was given by
officer-answer-save = Close with the answer
officer-question = Ask the contact centre for more: what is missing?
officer-question-save = Send the question
officer-return = Return to the contact centre: reason
officer-return-save = Return the case

done-note = The note is saved.
done-reply = The reply is recorded.
done-deadline = The feedback date is changed.
done-handover = The case is handed over.
done-accept = You have accepted the case.
done-answer-close = The answer is recorded and the case closed.
done-link = The cases are linked.
done-attach = The file is attached.
done-status = The status is changed.

error-date = give a date (YYYY-MM-DD)
error-upload = the file could not be read: { $error }
error-no-file = choose a file

## Person view
person-title = Person
person-unknown = Unknown person
person-back = Back to { $number }
person-language = Language
person-feedback = Feedback by (latest case)
person-protected = Protected identity
person-protected-yes = Yes – pass on no details
person-history = { $count ->
    [one] Contact history: 1 case you may see
   *[other] Contact history: { $count } cases you may see
}
person-no-history = Without a personal identity number the contact history cannot be shown.

## Search
search-title = Search cases
search-text = Free text (description and timeline; inflected forms are found)
search-number = Case number
search-person = Resident: personal identity number, phone or name
search-board = Board
search-from = Registered from
search-to = Registered up to and including
search-hits = { $count ->
    [one] 1 hit (at most 100 shown)
   *[other] { $count } hits (at most 100 shown)
}
search-error-name = Resident: type at least two letters of the name
search-error-phone = Phone number: { $error }
search-error-personnummer = Personal identity number: { $error }
search-error-status = Status: unknown status { $value }
search-error-channel = Channel: unknown channel { $value }
search-error-range = The from date is after the to date
search-error-text = Free text: at most 200 characters and 10 words

card-messages = Messages to the resident
card-messages-when = Created
card-messages-to = To
card-messages-subject = Subject
card-messages-state = State
message-state-queued = Waiting to be sent
message-state-sent = Sent
message-state-delivered = Delivered
message-state-failed = Could not be sent – reach the resident another way

# Letters and faxes
nav-letters = Letters
letter-title = Register a letter or fax
letter-intro = Upload the scanned letter. Its text is read by machine (OCR) so the letter can be found by search. Give the case number if the letter concerns an existing case; otherwise it becomes a new case.
letter-file = Scanned letter (PDF or image)
letter-received = Received (postmark)
letter-case-number = Case number
letter-case-number-hint = For example KC-2026-000123. Leave empty for a new case.
letter-new-case = New case
letter-sender = Sender's name
letter-save = Register the letter
letter-no-file = Choose a file with the scanned letter.
letter-bad-date = Write the date as YYYY-MM-DD.
letter-no-text = Scanned letter without machine-readable text – see the attachment.
letter-ocr-heading = Scanned letter (machine-read text):
letter-text-cut = [The text is shortened – the whole letter is attached.]
letter-done = The letter is registered.
card-tell = What to tell the resident
card-tell-number = The case number is { $case }.
card-tell-deadline = You will hear from us by { $date }.
desk-undelivered = Messages that did not arrive
desk-undelivered-caption = Cases where an e-mail or text message to the resident could not be delivered in the last two weeks – reach the resident another way

desk-set-aside = E-mails that could not become cases by themselves and wait for an agent: { $count }
set-aside-title = E-mail waiting for an agent
set-aside-intro = These e-mails arrived but could not be registered by themselves, for example because the case type needs a district or details the mail does not give. Read the mail and register it as a case, or discard it with a reason. Mail nobody handles is removed after 30 days.
set-aside-none = No e-mail is waiting.
set-aside-caption = E-mail waiting, oldest first
set-aside-received = Received
set-aside-sender = Sender
set-aside-to = Sent to
set-aside-subject = Subject
set-aside-reason = Why it did not become a case
set-aside-no-subject = no subject
set-aside-files = Attachments
set-aside-one-title = E-mail waiting
set-aside-register = Register as a case
set-aside-register-button = Register the case
set-aside-discard = Discard the e-mail
set-aside-discard-reason = Why is the mail not registered? (kept in the log)
set-aside-discard-button = Discard the e-mail

nav-phone = Phone
phone-title = Phone – answer groups
phone-intro = Change your answer group's greeting, opening hours and absence message here. Changes apply from the next call and are logged.
phone-groups-caption = Answer groups you lead
phone-group = Answer group
phone-absence = Absence message
phone-changed = Last changed
phone-absent-until = Closed until { $time }
phone-group-title = Phone: { $name }
phone-saved = The settings are saved.
phone-not-saved = The settings were not saved. Please correct:
phone-numbers-hours = The numbers' opening hours (changed in the catalog):
phone-greeting = Greeting when a caller enters the queue
phone-in-swedish = In Swedish
phone-in-english = In English
phone-hours = The answer group's own opening hours
phone-hours-hint = Write HH:MM-HH:MM or "closed". Leave all empty for the number's hours. Public holidays are always closed.
phone-weekdays = Weekdays
phone-saturday = Saturday
phone-sunday = Sunday
phone-closed = closed
phone-absent-until-label = Closed until (date and time)
phone-absence-hint = For example a planning day: callers hear the message instead of being queued. Leave empty when you answer as usual.
phone-save = Save the settings
quick-from-call = Call from { $phone }: the case is linked to the call.
agent-phone = Phone
agent-logged-out = not logged in to the queue
agent-ready = ready
agent-offered = call ringing
agent-on-call = on a call
agent-wrap-up = wrap-up
agent-paused = paused ({ $reason })
agent-show-call = Show the call
agent-call-ringing = Call ringing – show who is calling
agent-login = Log in to the phone queue
agent-ready-button = Ready
agent-logout = Log out of the queue
agent-wrap-up-done = Done with wrap-up
agent-pause-reason = Reason
agent-pause = Pause
pause-break = Break
pause-meeting = Meeting
pause-training = Training
pause-case_work = Case work
pause-other = Other
call-title = Call
call-heading = Call from { $phone }
call-hidden-number = withheld number
call-no-cases = No earlier cases with this number (of those you may see).
call-cases = { $count } cases with this number, { $open } open.
call-register = Register the call
wallboard-title = Wallboard: { $name }
wallboard-waiting = Waiting now
wallboard-longest = Longest wait
wallboard-callbacks = Waiting for a callback
wallboard-ready = Ready
wallboard-on-call = On a call
wallboard-wrap-up = Wrap-up
wallboard-paused = Paused
wallboard-answered = Answered today
wallboard-abandoned = Abandoned today
wallboard-availability = Availability today
wallboard-within = Answered within { $seconds } s
agent-callbacks = Promised callbacks waiting: { $count }. They come to you like calls when it is their turn.
agent-callback-by = call back by { $time }
call-link = Link the call to { $case }
phone-announcements-caption = Announcement before the menu (crisis) per number
phone-number = Number
phone-announcement = Announcement before the menu
phone-no-announcement = No announcement
phone-announcement-title = Announcement before the menu: { $name }
phone-announcement-intro = Everyone who calls the number hears the announcement before the menu, for example in a crisis or a major outage, so that all get the same information at once. Empty the Swedish text to remove it. The change applies from the next call and is logged.
phone-announcement-until = Played until (date and time; empty: until removed)
phone-announcement-save = Save the announcement
stats-download-csv = Download CSV
stats-download-xlsx = Download Excel (XLSX)
stats-no-data = No figures to show.
stats-suppressed-note = “< n” means fewer than n. Counts that small are not shown, so that no individual can be identified.
stats-target = Target
