# The switchboard's directory (people, units, absence notes, HR import, the public directory)
nav-directory = Directory
call-directory = Connect or take a message – search the directory
dir-title = The directory
dir-search = Search
dir-search-label = Name, function, unit or district
dir-hint = Results appear as you type. Examples: "bygglov bromma", "parkeringstillstånd söder" or a surname.
dir-on-call = You are on a call: choose a person or unit to connect to or to take a message for.
dir-count = { $count ->
    [0] No results
    [one] 1 result
   *[other] { $count } results
}
dir-kind-person = person
dir-kind-unit = unit
dir-no-number = No number
dir-number-direct = direct number
dir-number-mobile = mobile
dir-number-function = through the function
dir-away-until = Away until { $until }
dir-stand-in = Stand-in
dir-stand-in-none = None
dir-back = Back to the search
dir-title-field = Title
dir-units = Units
dir-best-number = Number to connect to
dir-direct = Direct number
dir-mobile = Mobile
dir-email = E-mail
dir-languages = Languages
dir-competences = Competences
dir-connect-rule = Connection
dir-connect-direct = May be connected directly
dir-connect-function = Connected only through the function
dir-call-actions = The call
dir-connect = Connect
dir-take-message = Take a message
dir-absence = Absence note
dir-no-absence = No absence note.
dir-absence-remove = Remove
dir-absence-new = New absence note
dir-absence-until = Away until (date)
dir-absence-until-time = Time
dir-absence-reason = Reason (shown to the switchboard)
dir-absence-save = Save the absence note
dir-path = Organisation
dir-kind = Kind
dir-mailbox = Functional mailbox
dir-address = Visiting address
dir-hours = Opening hours
dir-districts = Districts
dir-whole-city = The whole city
dir-group = Group in Kontakt
dir-functions = Functions
dir-search-words = search words
dir-children = Units below
dir-staff = Staff
dir-history = History
dir-history-when = When
dir-history-who = Who
dir-history-what = What
dir-change-starter = New
dir-change-leaver = Left
dir-change-moved = Moved
dir-change-changed = Changed
dir-change-absence-set = Absence note set
dir-change-absence-removed = Absence note removed
dir-message-title = Message for { $name }
dir-message-choose = Who is the message for?
dir-message-caller = The caller's name
dir-message-phone = The caller's phone number
dir-message-text = What is it about?
dir-message-callback = Call back by (date)
dir-message-hint = Leave the date empty to promise a call back the next working day. The message becomes a case for the person and the unit's group.
dir-message-save = Save the message
dir-message-bad-date = Write the date as YYYY-MM-DD.
dir-transfer-title = Connect the call
dir-transferred = The call is connected to { $name }.
dir-not-transferred = The call could not be connected
dir-import-title = Import from HR
dir-import-intro = Upload an export from the HR system (CSV of staff or of units, or LDIF). You see the difference – new, left, moved and changed – before anything changes.
dir-import-file = File
dir-import-preview = Show the difference
dir-import-recent = Latest imports
dir-import-source = File
dir-import-summary = Result
dir-import-preview-title = The difference from the directory
dir-import-counts = { $starters } new, { $leavers } left, { $moved } moved, { $changed } changed, { $unchanged } unchanged.
dir-import-leavers-work = To hand over from those who leave
dir-import-open-cases = { $count ->
    [0] no open cases
    [one] 1 open case
   *[other] { $count } open cases
}
dir-import-groups = groups
dir-import-changes = Changes
dir-import-who = Person or unit
dir-import-fields = Fields
dir-import-more = … and { $count } more.
dir-import-apply = Apply the import
dir-import-cancel = Cancel
dir-import-refused = The import was not applied
dir-import-problems = { $count ->
    [one] 1 error. Nothing has changed.
   *[other] { $count } errors. Nothing has changed.
}
dir-import-row = Row
dir-import-field = Field
dir-import-reason = Error
dir-import-again = Upload a corrected file
dir-import-done = The directory is up to date
dir-public-title = The city's organisation
dir-public-switchboard = The City of Stockholm's switchboard
dir-public-search = Search for a unit or function
dir-public-count = { $count ->
    [0] No units
    [one] 1 unit
   *[other] { $count } units
}
dir-phone = Phone
# The fields of an import
dir-field-name = Name
dir-field-kind = Kind
dir-field-parent = Parent
dir-field-board = Board
dir-field-group = Group
dir-field-districts = Districts
dir-field-functions = Functions
dir-field-visiting-address = Visiting address
dir-field-opening-hours = Opening hours
dir-field-phone = Phone
dir-field-mailbox = Functional mailbox
dir-field-public = Public
dir-field-given-name = Given name
dir-field-family-name = Family name
dir-field-title = Title
dir-field-units = Units
dir-field-direct-phone = Direct number
dir-field-mobile = Mobile
dir-field-email = E-mail
dir-field-languages = Languages
dir-field-competences = Competences
dir-field-connect = Connection
dir-field-account = Login
dir-import-absences = { $count ->
    [one] The file has 1 absence note; it is set when the import is applied.
   *[other] The file has { $count } absence notes; they are set when the import is applied.
}
dir-units-of = { $name } in the directory
dir-units-none = No unit in the directory is linked here yet.
card-in-directory = (in the directory)
