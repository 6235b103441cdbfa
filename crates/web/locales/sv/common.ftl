# Kontakt: texts shared by every staff page (Swedish, the default).

brand = Kontakt
nav-label = Huvudmeny
nav-start = Start
nav-new = Ny registrering
nav-search = Sök
nav-accounts = Konton
nav-review = Loggranskning
nav-help = Hjälp (?)
log-out = Logga ut
switch-language = English
logging-notice = Alla uppslagningar av personuppgifter loggas och granskas av nämndernas loggranskare.

count-cases = { $count ->
    [one] 1 ärende
   *[other] { $count } ärenden
}

help-title = Kortkommandon
help-close = Stäng (Esc)
help-page-title = Hjälp
shortcut-new = Ny registrering
shortcut-search = Sök ärenden
shortcut-home = Startsidan
shortcut-help = Den här hjälpen
shortcut-close-help = Stäng hjälpen
shortcut-fields = Nästa / föregående fält
shortcut-enter = I snabbregistreringen: spara och stäng som besvarat direkt
key-shift-tab = Skift+Tab
help-how = Så fungerar skrivbordet
help-step-call = Ta samtalet: Alt+N öppnar snabbregistreringen med markören i ärendetypen. Skriv namn, synonym eller kod ("dagis" hittar förskola).
help-step-answer = Kunde du svara direkt? Tryck Enter: ärendet sparas och avslutas som besvarat vid första kontakten.
help-step-handover = Behöver en handläggare ta över? Välj "Spara och öppna ärendet", skriv vad invånaren sa och fick veta, och lämna över.
help-step-officer = Handläggaren tar emot, ber om mer underlag, returnerar eller avslutar med svar – allt syns i ärendets händelser.
