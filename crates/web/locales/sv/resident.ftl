# Mina sidor: invånarnas sidor. Klarspråk: korta meningar, du-tilltal.
# Varje meddelande här finns på alla invånarspråk (ett test kontrollerar det).

## Ramen kring varje sida
ms-brand = Mina sidor
ms-skip = Hoppa till innehållet
ms-nav = Meny
ms-languages = Språk
ms-language-choose = Välj språk
ms-my-cases = Mina ärenden
ms-start-case = Starta ett ärende
ms-logout = Logga ut
ms-logged-in-email = Du är inloggad med en kod till din e-post.
ms-logged-in-sms = Du är inloggad med en kod till din mobil.
ms-logged-in-eid = Du är inloggad med e-legitimation.
ms-logged-in-case = Du följer ett ärende med ärendenummer och kod.
ms-contact-title = Andra sätt att nå oss
ms-contact-phone = Ring Kontaktcenter: 08-508 000 00
ms-contact-text-phone = Texttelefon: ring 08-508 000 00 via Texttelefoni.se
ms-contact-email = E-post: kontaktcenter@stockholm.se
ms-privacy = Bara du kan se dina ärenden här. Vi loggar varje gång ett ärende visas.

## Logga in
ms-login-title = Logga in på Mina sidor
ms-login-intro = Här följer du dina ärenden hos staden. Du kan också skriva till oss och skicka dokument.
ms-eid-title = Med e-legitimation
ms-eid-text = Använd BankID eller Freja eID. Då ser du alla dina ärenden.
ms-eid-button = Logga in med e-legitimation
ms-code-title = Med en kod till e-post eller mobil
ms-code-text = Vi skickar en kod till din e-post eller din mobil. Du ser de ärenden där du har lämnat just den adressen.
ms-code-address = E-postadress eller mobilnummer
ms-code-address-hint = Till exempel namn@exempel.se eller 070-123 45 67
ms-code-send = Skicka kod
ms-follow-title = Följ ett ärende utan att logga in
ms-follow-text = Du behöver ärendenumret och koden från bekräftelsen som vi skickade till dig.
ms-follow-number = Ärendenummer
ms-follow-number-hint = Till exempel KC-2026-000123
ms-follow-token = Kod från bekräftelsen
ms-follow-token-hint = 12 tecken, till exempel ABCD-EFGH-JKMN
ms-follow-button = Visa ärendet
ms-logged-out = Du är utloggad.

## Koden
ms-code-sent-title = Skriv in koden
ms-code-sent-email = Vi har skickat en kod till din e-post. Koden gäller i { $minutes } minuter.
ms-code-sent-sms = Vi har skickat en kod till din mobil. Koden gäller i { $minutes } minuter.
ms-code-label = Kod (6 siffror)
ms-code-button = Logga in
ms-code-again = Fick du ingen kod? Be om en ny kod.
ms-code-message-subject = Din kod till Mina sidor
ms-code-message-body = Din kod till Mina sidor är { $code }. Koden gäller i { $minutes } minuter. Om du inte har bett om en kod kan du strunta i det här meddelandet.
ms-code-sms = { $code } är din kod till Mina sidor. Koden gäller i { $minutes } minuter.

## Fel
ms-error-title = Något behöver rättas
ms-error-address = Skriv en e-postadress eller ett mobilnummer.
ms-error-too-many = Vi har skickat många koder till den adressen. Vänta en timme och försök igen, eller ring oss.
ms-error-code-format = Koden har 6 siffror.
ms-error-code-wrong = Koden stämmer inte. Du kan försöka { $left } gånger till.
ms-error-code-expired = Koden gäller inte längre. Be om en ny kod.
ms-error-follow = Ärendenumret och koden hör inte ihop. Titta i bekräftelsen och försök igen.
ms-error-follow-format = Skriv ärendenumret som i bekräftelsen, till exempel KC-2026-000123, och koden med 12 tecken.
ms-error-session = Du är inte inloggad, eller så har det gått för lång tid. Logga in igen.
ms-error-not-found = Vi hittar inget sådant ärende bland dina ärenden.
ms-error-closed = Ärendet är avslutat. Starta ett nytt ärende om du behöver mer hjälp.
ms-error-failed = Det gick inte att spara just nu. Försök igen om en stund.
ms-error-slow-down = Du har försökt många gånger. Vänta en stund och försök igen.
ms-error-eid = Det gick inte att logga in med e-legitimation. Försök igen.
ms-error-message-empty = Skriv ett meddelande eller välj en fil.
ms-error-message-long = Meddelandet är för långt.
ms-error-files = Du kan skicka högst 3 filer åt gången. Varje fil får vara högst 10 MB.
ms-error-phone = Skriv ett telefonnummer, till exempel 070-123 45 67.
ms-error-when = Skriv kortare, högst 200 tecken.
ms-error-channel = Det går inte. Vi har ingen sådan adress i ärendet. Skriv adressen i ett meddelande i stället.
ms-error-back = Tillbaka

## Mina ärenden
ms-cases-none = Du har inga ärenden hos oss med den här inloggningen.
ms-cases-count = Antal ärenden: { $count }
ms-cases-open = Pågående ärenden
ms-cases-closed = Avslutade ärenden
ms-col-number = Ärendenummer
ms-col-what = Ärende
ms-col-status = Så går det
ms-col-by = Besked senast
ms-col-updated = Senast ändrat

## Ett ärende
ms-case-title = Ärende { $number }
ms-back-to-cases = Tillbaka till mina ärenden
ms-feedback-now = Du får besked via: { $channel }
ms-channel-email = e-post
ms-channel-sms = sms
ms-channel-phone = telefon
ms-channel-letter = brev
ms-channel-none = inget valt
ms-documents = Dokument
ms-message-title = Skriv till oss
ms-message-text = Meddelande
ms-message-files = Bifoga dokument eller foton (om du vill)
ms-message-files-hint = Högst 3 filer. Varje fil får vara högst 10 MB.
ms-message-send = Skicka
ms-message-sent = Tack! Vi har fått det du skickade.
ms-feedback-title = Hur vill du få besked?
ms-feedback-save = Spara
ms-feedback-saved = Nu får du besked på det nya sättet.
ms-callback-title = Bli uppringd
ms-callback-text = Vill du hellre prata med oss? Skriv ditt nummer så ringer vi upp.
ms-callback-phone = Telefonnummer
ms-callback-when = När passar det? (om du vill)
ms-callback-when-hint = Till exempel: vardagar efter klockan 15
ms-callback-send = Be oss ringa
ms-callback-sent = Tack! Vi ringer upp dig.
ms-closed-note = Ärendet är avslutat. Du kan inte lägga till något här. Starta ett nytt ärende om du behöver mer hjälp.

## Starta ett ärende
ms-start-intro = Välj det som passar dig.
ms-start-eservices = E-tjänster: anmäl fel, ansök eller fråga
ms-start-assistant = Ställ en fråga till vår webbassistent
ms-start-call = Du kan också ringa oss på 08-508 000 00.

## Ärendet som invånaren ser det (också i handläggarens "Invånarens vy")
resident-case = Ärende
resident-status = Så går det
resident-feedback-by = Du får besked senast
resident-about = Det här gäller
resident-timeline = Det här har hänt
resident-the-city = staden
resident-status-registered = Vi har tagit emot ditt ärende.
resident-status-in-progress = Vi arbetar med ditt ärende.
resident-status-waiting = Vi väntar på svar från dig.
resident-status-handed-over = Ditt ärende har lämnats till { $to }.
resident-status-closed = Ärendet är avslutat.
resident-entry-registered = Vi tog emot ditt ärende ({ $channel }).
resident-entry-you-wrote = Du skrev:
resident-entry-we-wrote = Vi svarade:
resident-entry-document = Vi tog emot dokumentet { $name }.
resident-entry-closed = Ärendet avslutades.
resident-entry-waiting = Vi behöver mer information från dig.
resident-entry-in-progress = Vi arbetar med ditt ärende.
resident-entry-handed-over = Ärendet lämnades till { $to }.
resident-entry-taken-on = En handläggare har börjat arbeta med ditt ärende.
resident-entry-new-date = Du får besked senast { $date }.
resident-entry-feedback-channel = Du valde att få besked via { $channel }.
resident-entry-callback = Du bad oss ringa upp dig.
resident-via-phone = telefon
resident-via-email = e-post
resident-via-sms = sms
resident-via-e-service = e-tjänst
resident-via-letter = brev
resident-via-visit = besök
resident-via-social-media = sociala medier
resident-via-chat = chatt
resident-via-open311 = app
