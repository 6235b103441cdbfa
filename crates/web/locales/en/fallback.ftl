# The manual fallback (/fallback): the routine, the printable form, the import.

nav-fallback = Fallback
fallback-title = Fallback routine during outages
fallback-intro = When the case system or the phone system is down, keep taking contacts. Note each contact on a printed form or in a capture file (CSV). Once the system is back, import the file here: each contact becomes a case dated when the contact was made. The same file can be imported several times; no case is registered twice.
fallback-routine = What to do
fallback-step-1 = Print a few blank forms in advance and keep them at the workplace. The team leader makes sure the capture file (the template below) is saved locally on every computer.
fallback-step-2 = During an outage: give each contact its own id – your initials and a running number, e.g. AB-001, AB-002 – and note the time (YYYY-MM-DD HH:MM), the channel, the case type's code, what the contact was about and whether it was solved at once. Write contact details only when the resident wants feedback or the case needs them.
fallback-step-3 = Fill in the form by hand or type straight into the capture file, one row per contact. Save the file as "CSV UTF-8"; semicolons or commas as separators both work.
fallback-step-4 = Forms and file hold personal data: keep them locked away or in your own storage, never in e-mail or on shared USB sticks. The team leader collects them at the end of the shift.
fallback-step-5 = Once the system is back, the team leader or an appointed agent types the forms into a capture file and imports it here. If a row is wrong nothing is imported: correct the rows listed and import the whole file again.
fallback-step-6 = Check that the number of imported cases matches the number of forms, write the case number on each form, then destroy the forms and the file.
fallback-print-link = Blank form to print (A4)
fallback-template-link = Capture file to fill in (CSV template with one example)
fallback-columns = The capture file's columns
fallback-columns-caption = Columns. The header row must be there; the columns may come in any order and the optional ones may be left out.
fallback-col-column = Column
fallback-col-content = Content
fallback-about-id = The contact's own id: initials and a running number, e.g. AB-001. Letters, digits, - _ and full stop. An id is imported once.
fallback-about-time = When the contact was made, Swedish time: YYYY-MM-DD HH:MM, e.g. 2026-11-20 08:15. Must not lie in the future.
fallback-about-channel = telefon (phone), besök (visit), e-post, brev (letter), sms, chatt or sociala medier (or the API's words: phone, visit, email …).
fallback-about-case-type = The case type's code in the catalog, e.g. AVF-ATERV.
fallback-about-district = The district's name or code, e.g. Farsta. Required for case types whose board depends on the district.
fallback-about-description = What the contact was about and the answer given.
fallback-about-answered = ja (yes) if the question was answered during the contact (the case is closed), else nej (no) or empty.
fallback-about-name = The resident's name.
fallback-about-personnummer = YYYYMMDD-NNNN or YYMMDD-NNNN.
fallback-about-phone = Phone number, e.g. 070-123 45 67.
fallback-about-email = E-mail address.
fallback-about-feedback = How the resident wants feedback: telefon, e-post, sms or brev. The contact detail for that channel must be given.
fallback-about-form = The case type's form fields as code=value, several separated by |, e.g. child_birth_date=2025-03-01 | care_form=preschool.
fallback-import = Import a capture file
fallback-import-intro = Every row is checked before anything is registered. Rows imported before (same id) are not registered again; they are shown with their case numbers.
fallback-import-agents = The import registers cases in your name, so it needs the right to register cases of the rows' case types (an agent role).
fallback-file = Capture file (CSV)
fallback-import-button = Import
fallback-no-file = Choose the capture file to import.
fallback-errors = { $count ->
    [one] The file has one error. Nothing was imported: correct the row and import the whole file again.
   *[other] The file has { $count } errors. Nothing was imported: correct the rows and import the whole file again.
}
fallback-errors-caption = Errors per row (row 1 is the header)
fallback-col-row = Row
fallback-col-reason = Error
fallback-whole-row = (the whole row)
fallback-result = Imported: { $imported }. Already imported earlier: { $already }.
fallback-result-caption = Result per row
fallback-col-id = Id
fallback-col-case = Case
fallback-col-outcome = Outcome
fallback-imported = Imported now
fallback-already-imported = Already imported earlier
fallback-interrupted = The import was stopped by a technical fault. The rows below are registered; import the same file again to register the rest (nothing is registered twice). Error code:
fallback-form-title = Registration form for outages
fallback-form-print-hint = Print this page (Ctrl+P). The form fits one A4 sheet; the navigation is not printed.
fallback-form-intro = One form per contact. Write clearly. In brackets: the column in the capture file.
fallback-form-id = Id (initials + running number)
fallback-form-time = Date and time
fallback-form-agent = Agent
fallback-form-channel = Channel
fallback-form-case-type = Case type (code)
fallback-form-district = District
fallback-form-description = What is the contact about? What answer was given?
fallback-form-form-fields = The case type's details (field=value)
fallback-form-answered = Solved during the contact
fallback-form-resident = The resident (optional)
fallback-form-personnummer = Personnummer
fallback-form-phone = Phone
fallback-form-afterwards = Afterwards
fallback-form-imported-by = Typed into the file by
fallback-form-case-number = Case number
yes = yes
no = no
