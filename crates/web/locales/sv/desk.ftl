# Kontakt: the desk (start page, quick registration, case card, search).

## Words used across the desk
all = alla
none = ingen
choose = välj
required = obligatorisk
via = via
personnummer = Personnummer
name = Namn
phone = Telefon
email = E-post
feedback-via = Återkoppling via
overdue = försenad

## Case lists
col-case = Ärende
col-type = Ärendetyp
col-status = Status
col-district = Stadsdel
col-deadline = Återkoppling senast
table-empty = Inga ärenden.

status-registered = Registrerat
status-in-progress = Pågår
status-waiting-for-resident = Väntar på invånaren
status-handed-over = Överlämnat
status-closed = Avslutat
status-unknown = Okänd status

resolution-first-contact = besvarat vid första kontakten
resolution-in-centre = löst i kontaktcenter
resolution-handed-over = besvarat av handläggare
resolution-referred = hänvisat till annan
resolution-unknown = okänt utfall

channel-phone = Telefon
channel-email = E-post
channel-sms = SMS
channel-e-service = E-tjänst
channel-letter = Brev
channel-visit = Besök
channel-social-media = Sociala medier
channel-open311 = Open311 (app)
channel-chat = Chatt

## Start page
desk-new-button = Ny registrering (Alt+N)
desk-search-button = Sök ärenden (Alt+S)
desk-mine = Mina ärenden
desk-mine-caption = Ärenden du har tagit emot
desk-queue = Kö: { $name }
desk-queue-open = { $count } öppna
desk-oldest = Äldsta väntande sedan { $time }.
desk-due-caption = Återkoppling i dag eller försenad
desk-latest-caption = Senaste i kön

## Quick registration
quick-title = Ny registrering
quick-not-saved = Ärendet sparades inte. Rätta fälten nedan:
quick-case-type = Ärendetyp (skriv namn, synonym eller kod)
quick-description = Vad gäller det?
quick-resident = Invånaren (valfritt)
quick-save-close = Spara och stäng – besvarat direkt
quick-save-open = Spara och öppna ärendet
quick-guidance = Vägledning: { $type }
quick-fields-legend = Uppgifter för { $type }

lookup-none = Ingen tidigare kontakt som du får se.
lookup-found = Tidigare kontakt:
lookup-no-name = (namn okänt)
lookup-cases = { $count } ärenden du får se, senast
lookup-use = Fyll i namn och telefon

## Case card
card-board = Ansvarig nämnd
card-channel = Kanal
card-assigned = Tilldelat
card-resident = Invånare
card-history = Kontakthistorik
card-came-back-question = Handläggaren ber om mer underlag
card-came-back-returned = Handläggaren returnerade ärendet
card-description = Beskrivning
card-fields = Uppgifter
card-guidance = Vägledning
card-attachment-program = Varning: ett program eller skript – öppna inte filen
card-attachments = Bilagor
card-related = Kopplade ärenden
card-timeline = Händelser
card-reply = Svara invånaren
card-reply-text = Svar
card-reply-channel = Skickas via
card-reply-save = Registrera svaret
card-work-status = Arbetsläge
card-set-status = Sätt till: { $status }
card-deadline = Återkopplingsdatum
card-deadline-new = Nytt datum
card-deadline-reason = Skäl (visas i händelserna)
card-deadline-save = Ändra datum
card-attach = Bifoga fil
card-attach-file = Fil (högst 10 MB)
card-attach-save = Bifoga
card-link = Koppla till annat ärende
card-link-number = Ärendenummer (KC-ÅÅÅÅ-NNNNNN)
card-link-save = Koppla
card-note = Anteckning
card-note-new = Ny anteckning
card-note-save = Spara anteckning
card-handover = Lämna över till handläggare
card-handover-group = Grupp
card-handover-summary = Sammanfattning: vad invånaren sa och fick veta (obligatorisk)
card-handover-save = Lämna över
card-close = Avsluta
card-close-resolution = Utfall
card-close-handed-over = Besvarat av handläggare efter överlämning
card-close-in-centre = Löst i kontaktcenter
card-close-referred = Hänvisat till annan
card-close-save = Avsluta ärendet
card-conflict = Ärendet ändrades av någon annan medan du arbetade. Sidan visar nu det senaste.

entry-registered = Registrerat
entry-note = Anteckning
entry-message-in = Meddelande från invånaren
entry-message-out = Svar till invånaren
entry-attachment = Bilaga
entry-status-changed = Status ändrad
entry-handed-over = Överlämnat
entry-linked = Kopplat till ärende
entry-correction = Rättelse
entry-deadline-changed = Nytt återkopplingsdatum
entry-handover-accepted = Mottaget av handläggare
entry-info-requested = Handläggaren ber om mer underlag
entry-handover-returned = Returnerat av handläggare

officer-heading = Handläggarens svar
officer-accept = Ta emot ärendet
officer-answer = Svar till invånaren (avslutar ärendet)
officer-answer-channel = Svaret gavs via
officer-answer-save = Avsluta med svar
officer-question = Be kontaktcenter om mer underlag: vad saknas?
officer-question-save = Skicka frågan
officer-return = Returnera till kontaktcenter: skäl
officer-return-save = Returnera ärendet

done-note = Anteckningen är sparad.
done-reply = Svaret är registrerat.
done-deadline = Återkopplingsdatumet är ändrat.
done-handover = Ärendet är överlämnat.
done-accept = Du har tagit emot ärendet.
done-answer-close = Svaret är registrerat och ärendet avslutat.
done-link = Ärendena är kopplade.
done-attach = Filen är bifogad.
done-status = Statusen är ändrad.

error-date = ange ett datum (ÅÅÅÅ-MM-DD)
error-upload = filen gick inte att läsa: { $error }
error-no-file = välj en fil

## Person view
person-title = Person
person-unknown = Okänd person
person-back = Tillbaka till { $number }
person-language = Språk
person-feedback = Återkoppling via (senaste ärendet)
person-protected = Skyddad identitet
person-protected-yes = Ja – lämna inga uppgifter vidare
person-history = { $count ->
    [one] Kontakthistorik: 1 ärende du får se
   *[other] Kontakthistorik: { $count } ärenden du får se
}
person-no-history = Utan personnummer kan kontakthistoriken inte visas.

## Search
search-title = Sök ärenden
search-text = Fritext (beskrivning och händelser; böjningsformer hittas)
search-number = Ärendenummer
search-person = Invånare: personnummer, telefon eller namn
search-board = Nämnd
search-from = Registrerat från
search-to = Registrerat till och med
search-hits = { $count ->
    [one] 1 träff (högst 100 visas)
   *[other] { $count } träffar (högst 100 visas)
}
search-error-name = Invånare: skriv minst två bokstäver av namnet
search-error-phone = Telefonnummer: { $error }
search-error-personnummer = Personnummer: { $error }
search-error-status = Status: okänd status { $value }
search-error-channel = Kanal: okänd kanal { $value }
search-error-range = Från-datumet ligger efter till-datumet
search-error-text = Fritext: högst 200 tecken och 10 ord

card-messages = Meddelanden till invånaren
card-messages-when = Skapat
card-messages-to = Till
card-messages-subject = Ämne
card-messages-state = Läge
message-state-queued = Väntar på att skickas
message-state-sent = Skickat
message-state-delivered = Levererat
message-state-failed = Kunde inte skickas – nå invånaren på annat sätt

# Letters and faxes
nav-letters = Brev
letter-title = Registrera brev eller fax
letter-intro = Ladda upp det inskannade brevet. Texten läses av maskinellt (OCR) så att brevet går att söka fram. Ange ärendenumret om brevet gäller ett befintligt ärende; annars blir det ett nytt ärende.
letter-file = Inskannat brev (PDF eller bild)
letter-received = Mottaget (poststämpel)
letter-case-number = Ärendenummer
letter-case-number-hint = Till exempel KC-2026-000123. Lämna tomt för ett nytt ärende.
letter-new-case = Nytt ärende
letter-sender = Avsändarens namn
letter-save = Registrera brevet
letter-no-file = Välj en fil med det inskannade brevet.
letter-bad-date = Datumet ska skrivas ÅÅÅÅ-MM-DD.
letter-no-text = Inskannat brev utan maskinläsbar text – se bilagan.
letter-ocr-heading = Inskannat brev (maskinläst text):
letter-text-cut = [Texten är avkortad – hela brevet finns som bilaga.]
letter-done = Brevet är registrerat.
card-tell = Att säga till invånaren
card-tell-number = Ärendet har nummer { $case }.
card-tell-deadline = Du får besked senast { $date }.
desk-undelivered = Meddelanden som inte kom fram
desk-undelivered-caption = Ärenden där ett mejl eller sms till invånaren inte kunde levereras de senaste två veckorna – nå invånaren på annat sätt

desk-set-aside = Mejl som inte kunde bli ärenden av sig själva och väntar på en handläggare: { $count }
set-aside-title = Mejl som väntar på en handläggare
set-aside-intro = Mejlen här kom fram men kunde inte registreras av sig själva, till exempel för att ärendetypen kräver en stadsdel eller uppgifter som mejlet inte ger. Läs mejlet och registrera det som ärende, eller kasta det med en motivering. Mejl som ingen tar hand om tas bort efter 30 dagar.
set-aside-none = Inga mejl väntar.
set-aside-caption = Mejl som väntar, äldst först
set-aside-received = Mottaget
set-aside-sender = Avsändare
set-aside-to = Skickat till
set-aside-subject = Ämne
set-aside-reason = Varför det inte blev ett ärende
set-aside-no-subject = inget ämne
set-aside-files = Bilagor
set-aside-one-title = Mejl som väntar
set-aside-register = Registrera som ärende
set-aside-register-button = Registrera ärendet
set-aside-discard = Kasta mejlet
set-aside-discard-reason = Varför registreras mejlet inte? (sparas i loggen)
set-aside-discard-button = Kasta mejlet

nav-phone = Telefoni
phone-title = Telefoni – svarsgrupper
phone-intro = Här ändrar du din svarsgrupps hälsning, öppettider och frånvaromeddelande. Ändringarna gäller nästa samtal och sparas i loggen.
phone-groups-caption = Svarsgrupper du ansvarar för
phone-group = Svarsgrupp
phone-absence = Frånvaromeddelande
phone-changed = Senast ändrad
phone-absent-until = Stängt till { $time }
phone-group-title = Telefoni: { $name }
phone-saved = Inställningarna är sparade.
phone-not-saved = Inställningarna sparades inte. Rätta följande:
phone-numbers-hours = Numrens öppettider (ändras i katalogen):
phone-greeting = Hälsning när den som ringer kommer in i kön
phone-in-swedish = På svenska
phone-in-english = På engelska
phone-hours = Svarsgruppens egna öppettider
phone-hours-hint = Skriv TT:MM-TT:MM eller "closed". Lämna alla tomma för numrets öppettider. Röda dagar är alltid stängt.
phone-weekdays = Vardagar
phone-saturday = Lördag
phone-sunday = Söndag
phone-closed = stängt
phone-absent-until-label = Stängt till och med (datum och tid)
phone-absence-hint = Till exempel en planeringsdag: den som ringer hör meddelandet i stället för att ställas i kö. Lämna tomt när ni svarar som vanligt.
phone-save = Spara inställningarna
quick-from-call = Samtal från { $phone }: ärendet kopplas till samtalet.
agent-phone = Telefon
agent-logged-out = inte inloggad i kön
agent-ready = redo
agent-offered = samtal ringer
agent-on-call = i samtal
agent-wrap-up = efterarbete
agent-paused = paus ({ $reason })
agent-show-call = Visa samtalet
agent-call-ringing = Samtal ringer – visa vem som ringer
agent-login = Logga in i telefonkön
agent-ready-button = Redo
agent-logout = Logga ut ur kön
agent-wrap-up-done = Klar med efterarbetet
agent-pause-reason = Skäl
agent-pause = Pausa
pause-break = Rast
pause-meeting = Möte
pause-training = Utbildning
pause-case_work = Ärendearbete
pause-other = Annat
call-title = Samtal
call-heading = Samtal från { $phone }
call-hidden-number = dolt nummer
call-no-cases = Inga tidigare ärenden med det här numret (av dem du får se).
call-cases = { $count } ärenden med det här numret, { $open } öppna.
call-register = Registrera samtalet
wallboard-title = Tavla: { $name }
wallboard-waiting = Väntar nu
wallboard-longest = Längsta väntetid
wallboard-callbacks = Väntar på att bli uppringda
wallboard-ready = Redo
wallboard-on-call = I samtal
wallboard-wrap-up = Efterarbete
wallboard-paused = Paus
wallboard-answered = Besvarade i dag
wallboard-abandoned = Avbrutna i dag
wallboard-availability = Tillgänglighet i dag
wallboard-within = Besvarade inom { $seconds } s
agent-callbacks = Utlovade återuppringningar som väntar: { $count }. De kopplas till er som samtal när det är deras tur.
agent-callback-by = ring upp senast { $time }
call-link = Koppla samtalet till { $case }
phone-announcements-caption = Meddelande före menyn (krisläge) per nummer
phone-number = Nummer
phone-announcement = Meddelande före menyn
phone-no-announcement = Inget meddelande
phone-announcement-title = Meddelande före menyn: { $name }
phone-announcement-intro = Alla som ringer numret hör meddelandet innan menyn, till exempel vid en kris eller ett större driftstopp. Då får alla samma information direkt. Töm den svenska texten för att ta bort meddelandet. Ändringen gäller nästa samtal och sparas i loggen.
phone-announcement-until = Spelas till och med (datum och tid, tomt: tills det tas bort)
phone-announcement-save = Spara meddelandet
stats-download-csv = Ladda ner CSV
stats-download-xlsx = Ladda ner Excel (XLSX)
stats-no-data = Inga uppgifter att visa.
stats-suppressed-note = ”< n” betyder färre än n. Så små tal visas inte, så att ingen enskild person kan pekas ut.
stats-target = Mål
