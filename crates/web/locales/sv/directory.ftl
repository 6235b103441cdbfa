# Växelns katalog (personer, enheter, hänvisningar, HR-import, den öppna katalogen)
nav-directory = Katalog
call-directory = Koppla eller ta meddelande – sök i katalogen
dir-title = Katalogen
dir-search = Sök
dir-search-label = Namn, funktion, enhet eller stadsdel
dir-hint = Träffarna visas medan du skriver. Exempel: ”bygglov bromma”, ”parkeringstillstånd söder” eller ett efternamn.
dir-on-call = Du har ett samtal: välj person eller enhet för att koppla eller ta ett meddelande.
dir-count = { $count ->
    [0] Inga träffar
    [one] 1 träff
   *[other] { $count } träffar
}
dir-kind-person = person
dir-kind-unit = enhet
dir-no-number = Inget nummer
dir-number-direct = direktnummer
dir-number-mobile = mobil
dir-number-function = via funktionen
dir-away-until = Frånvarande till { $until }
dir-stand-in = Ersättare
dir-stand-in-none = Ingen
dir-back = Tillbaka till sökningen
dir-title-field = Titel
dir-units = Enheter
dir-best-number = Nummer att koppla till
dir-direct = Direktnummer
dir-mobile = Mobil
dir-email = E-post
dir-languages = Språk
dir-competences = Kompetenser
dir-connect-rule = Koppling
dir-connect-direct = Får kopplas direkt
dir-connect-function = Kopplas bara via funktionen
dir-call-actions = Samtalet
dir-connect = Koppla
dir-take-message = Ta meddelande
dir-absence = Hänvisning
dir-no-absence = Ingen hänvisning.
dir-absence-remove = Ta bort
dir-absence-new = Ny hänvisning
dir-absence-until = Borta till och med (datum)
dir-absence-until-time = Klockan
dir-absence-reason = Orsak (visas för växeln)
dir-absence-save = Spara hänvisningen
dir-path = Organisation
dir-kind = Typ
dir-mailbox = Funktionsbrevlåda
dir-address = Besöksadress
dir-hours = Öppettider
dir-districts = Stadsdelar
dir-whole-city = Hela staden
dir-group = Grupp i Kontakt
dir-functions = Funktioner
dir-search-words = sökord
dir-children = Enheter under
dir-staff = Medarbetare
dir-history = Historik
dir-history-when = När
dir-history-who = Vem
dir-history-what = Vad
dir-change-starter = Ny
dir-change-leaver = Slutat
dir-change-moved = Flyttad
dir-change-changed = Ändrad
dir-change-absence-set = Hänvisning satt
dir-change-absence-removed = Hänvisning borttagen
dir-message-title = Meddelande till { $name }
dir-message-choose = Vem är meddelandet till?
dir-message-caller = Uppringarens namn
dir-message-phone = Uppringarens telefonnummer
dir-message-text = Vad gäller det?
dir-message-callback = Ring tillbaka senast (datum)
dir-message-hint = Lämnar du datumet tomt lovas återuppringning nästa arbetsdag. Meddelandet blir ett ärende hos personen och enhetens grupp.
dir-message-save = Spara meddelandet
dir-message-bad-date = Datumet ska skrivas ÅÅÅÅ-MM-DD.
dir-transfer-title = Koppla samtalet
dir-transferred = Samtalet är kopplat till { $name }.
dir-not-transferred = Samtalet kunde inte kopplas
dir-import-title = Importera från HR
dir-import-intro = Ladda upp en export från HR-systemet (CSV med personal eller enheter, eller LDIF). Du ser skillnaden – nya, slutade, flyttade och ändrade – innan något ändras.
dir-import-file = Fil
dir-import-preview = Visa skillnaden
dir-import-recent = Senaste importer
dir-import-source = Fil
dir-import-summary = Resultat
dir-import-preview-title = Skillnaden mot katalogen
dir-import-counts = { $starters } nya, { $leavers } slutade, { $moved } flyttade, { $changed } ändrade, { $unchanged } oförändrade.
dir-import-leavers-work = Att lämna över från den som slutar
dir-import-open-cases = { $count ->
    [0] inga öppna ärenden
    [one] 1 öppet ärende
   *[other] { $count } öppna ärenden
}
dir-import-groups = grupper
dir-import-changes = Ändringar
dir-import-who = Person eller enhet
dir-import-fields = Fält
dir-import-more = … och { $count } till.
dir-import-apply = Genomför importen
dir-import-cancel = Avbryt
dir-import-refused = Importen genomfördes inte
dir-import-problems = { $count ->
    [one] 1 fel. Ingenting har ändrats.
   *[other] { $count } fel. Ingenting har ändrats.
}
dir-import-row = Rad
dir-import-field = Fält
dir-import-reason = Fel
dir-import-again = Ladda upp en rättad fil
dir-import-done = Katalogen är uppdaterad
dir-public-title = Stadens organisation
dir-public-switchboard = Stockholms stads växel
dir-public-search = Sök enhet eller funktion
dir-public-count = { $count ->
    [0] Inga enheter
    [one] 1 enhet
   *[other] { $count } enheter
}
dir-phone = Telefon
# Fälten i en import
dir-field-name = Namn
dir-field-kind = Typ
dir-field-parent = Överordnad
dir-field-board = Nämnd
dir-field-group = Grupp
dir-field-districts = Stadsdelar
dir-field-functions = Funktioner
dir-field-visiting-address = Besöksadress
dir-field-opening-hours = Öppettider
dir-field-phone = Telefon
dir-field-mailbox = Funktionsbrevlåda
dir-field-public = Publik
dir-field-given-name = Förnamn
dir-field-family-name = Efternamn
dir-field-title = Titel
dir-field-units = Enheter
dir-field-direct-phone = Direktnummer
dir-field-mobile = Mobil
dir-field-email = E-post
dir-field-languages = Språk
dir-field-competences = Kompetenser
dir-field-connect = Koppling
dir-field-account = Konto
dir-import-absences = { $count ->
    [one] Filen har 1 hänvisning; den sätts när importen genomförs.
   *[other] Filen har { $count } hänvisningar; de sätts när importen genomförs.
}
dir-units-of = { $name } i katalogen
dir-units-none = Ingen enhet i katalogen är kopplad hit ännu.
card-in-directory = (i katalogen)
