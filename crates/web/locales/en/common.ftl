# Kontakt: texts shared by every staff page (English).

brand = Kontakt
nav-label = Main menu
nav-start = Start
nav-new = New registration
nav-search = Search
nav-accounts = Accounts
nav-review = Log review
nav-help = Help (?)
log-out = Log out
switch-language = Svenska
logging-notice = Every lookup of personal data is logged and reviewed by the boards' log reviewers.

count-cases = { $count ->
    [one] 1 case
   *[other] { $count } cases
}

help-title = Keyboard shortcuts
help-close = Close (Esc)
help-page-title = Help
shortcut-new = New registration
shortcut-search = Search cases
shortcut-home = Start page
shortcut-help = This help
shortcut-close-help = Close the help
shortcut-fields = Next / previous field
shortcut-enter = In quick registration: save and close as answered at first contact
key-shift-tab = Shift+Tab
help-how = How the desk works
help-step-call = Take the call: Alt+N opens quick registration with the cursor in the case type. Type a name, synonym or code ("dagis" finds preschool).
help-step-answer = Could you answer at once? Press Enter: the case is saved and closed as answered at first contact.
help-step-handover = Does an officer need to take over? Choose "Save and open the case", write what the resident said and was told, and hand it over.
help-step-officer = The officer accepts, asks for more, returns it or closes it with the answer – all of it shows on the case's timeline.
