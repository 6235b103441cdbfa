# Kontakt: login, account administration, log review.

## Login

login-title = Logga in
login-username = Användarnamn
login-password = Lösenord
login-submit = Logga in
# $attempts is login-failed-attempts, $duration is login-lock-minutes.
login-lock-hint = Efter { $attempts } låses kontot i { $duration }.
login-failed-attempts = { $count ->
    [one] 1 misslyckat försök i rad
   *[other] { $count } misslyckade försök i rad
}
login-lock-minutes = { $count ->
    [one] 1 minut
   *[other] { $count } minuter
}
login-sso = Logga in med stadens konto (SSO)
login-failed = Inloggningen misslyckades: fel användarnamn eller lösenord, eller så är kontot låst eller avstängt.

## Second factor (one-time code, and enrolling the authenticator app)

second-factor-title = Tvåfaktorsinloggning
second-factor-heading = Engångskod
second-factor-enrol = Ditt konto behöver en andra faktor. Lägg till nyckeln i din autentiseringsapp och ange koden den visar.
second-factor-key = Nyckel: { $key }
second-factor-app-link = Länk för appen: { $link }
second-factor-enter = Ange koden från din autentiseringsapp.
second-factor-code = Kod
second-factor-continue = Fortsätt
second-factor-wrong-code = Fel kod. Försök igen.

## New password (after an administrator's reset)

new-password-title = Nytt lösenord
new-password-heading = Välj ett nytt lösenord
new-password-intro = En administratör har återställt ditt lösenord. Välj ett eget på minst { $count } tecken.
new-password-label = Nytt lösenord
new-password-save = Spara

## Start page

home-title = Start
home-welcome = Välkommen, { $name }
home-registered = Ärende { $case } är registrerat och avslutat som besvarat direkt.
home-sent-back = Ärende { $case } är skickat tillbaka till kontaktcenter.
home-logged-in-as = Inloggad som { $username }

## Account administration

admin-title = Konton
admin-col-user = Användare
admin-col-name = Namn
admin-col-grants = Behörigheter
admin-col-status = Status
admin-col-actions = Åtgärder
admin-status-disabled = Avstängt
admin-status-locked = Låst
admin-status-active = Aktivt
admin-status-second-factor = tvåfaktor
admin-status-no-second-factor = demo utan tvåfaktor
admin-status-sso = SSO
admin-enable = Aktivera
admin-disable = Stäng av
admin-reset-password = Nytt lösenord
admin-reset-second-factor = Ny tvåfaktor
admin-new-heading = Nytt konto
admin-new-username = Användarnamn
admin-new-name = Namn
admin-new-grants = Behörigheter (mellanslag emellan, t.ex. agent_l1 group:KC-CITY-1)
admin-new-sso = Får logga in via stadens konto (SSO), utan lösenord i Kontakt
admin-create = Skapa konto
admin-created-temporary = Kontot är skapat. Tillfälligt lösenord att lämna till användaren: { $password }
admin-created-sso = Kontot är skapat för inloggning via stadens konto (SSO).
admin-disabled = Kontot { $username } är avstängt och utloggat.
admin-enabled = Kontot { $username } är aktiverat.
admin-password-reset = Tillfälligt lösenord för { $username }: { $password } (byts vid nästa inloggning)
admin-second-factor-reset = { $username } registrerar en ny andra faktor vid nästa inloggning.

## Log review

review-title = Loggranskning
review-board = Nämnd
review-from = Från
review-to = Till
review-show = Visa
review-lookups-count = { $count ->
    [one] 1 uppslagning.
   *[other] { $count } uppslagningar.
}
review-protected-count = { $count } av personer med skyddad identitet.
review-after-hours-count = { $count } utanför kontorstid.
review-export = Exportera (CSV)
review-truncated = Perioden har fler poster än sidan visar; korta perioden eller exportera.
review-unusual-heading = Ovanligt många uppslagningar
review-col-user = Användare
review-col-lookups = Uppslagningar
review-col-peer-median = Median bland kollegor
review-lookups-heading = Uppslagningar
review-col-time = Tid
review-col-who = Vem
review-col-what = Vad
review-col-object = Objekt
review-col-purpose = Ändamål
review-col-outcome = Utfall
review-col-flags = Flaggor
review-flag-protected = skyddad
review-flag-after-hours = kvällstid

# The residents' e-services (public pages)
eservice-brand = Stockholms stad – e-tjänster
eservice-other-ways = Du kan också ringa 08-508 000 00, mejla kontaktcenter@stockholm.se eller använda texttelefon.
eservice-list-title = E-tjänster
eservice-list-intro = Välj vad ditt ärende gäller. Du får ett ärendenummer direkt när du har skickat formuläret.
eservice-required-note = Fält märkta (obligatoriskt) måste fyllas i. Övriga fält är frivilliga.
eservice-not-sent = Formuläret skickades inte. Rätta det som står nedan och skicka igen.
eservice-files-again = Välj dina filer igen – de sparas inte förrän formuläret har skickats.
eservice-description = Beskriv ditt ärende
eservice-district = Stadsdel
eservice-you = Dina uppgifter
eservice-you-intro = Du kan vara anonym. Då kan vi inte ge dig besked om ärendet.
eservice-anonymous = Jag vill vara anonym
eservice-email = E-postadress
eservice-mobile = Mobilnummer
eservice-answer-by = Hur vill du få besked?
eservice-by-email = Med e-post
eservice-by-sms = Med sms
eservice-by-phone = Med ett telefonsamtal
eservice-by-none = Jag behöver inget besked
eservice-files = Bifoga filer (frivilligt)
eservice-files-hint = Högst 3 filer, högst 10 MB var, till exempel foton eller PDF.
eservice-honeypot = Lämna det här fältet tomt
eservice-send = Skicka
eservice-privacy = Dina uppgifter används bara för att handlägga ärendet. Den nämnd som ansvarar för ärendet är personuppgiftsansvarig.
eservice-missing = E-tjänsten finns inte
eservice-upload-failed = Filen kunde inte tas emot: { $error }
eservice-file-too-large = Filen { $name } är större än 10 MB.
eservice-too-many-files = Du kan bifoga högst { $max } filer.
eservice-slow-down = Vänta en stund
eservice-slow-down-text = Många formulär har skickats från din anslutning. Vänta tio minuter och försök igen, eller ring oss.
eservice-not-a-form = Formuläret kom inte fram som ett formulär. Ladda om sidan och försök igen.
eservice-thanks = Tack! Vi har tagit emot ditt ärende
eservice-receipt = Ditt ärendenummer är { $number }.
eservice-next = Det här händer nu
eservice-deadline = Du får besked senast { $date }.
eservice-mail-sent = Vi har skickat en bekräftelse till { $email }.
eservice-keep-number = Spara ärendenumret. Ange det om du kontaktar oss om ärendet.
eservice-follow = Följ ärendet på Mina sidor med ärendenumret och koden { $token }.
eservice-follow-link = Följ ärendet på Mina sidor
eservice-more = Till alla e-tjänster
eservice-failed = Ärendet kunde inte sparas
eservice-failed-text = Något gick fel hos oss och ingenting registrerades. Försök igen om en stund eller ring oss.
