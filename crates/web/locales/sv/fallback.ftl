# The manual fallback (/fallback): the routine, the printable form, the import.

nav-fallback = Reservrutin
fallback-title = Reservrutin vid driftstopp
fallback-intro = När ärendesystemet eller telefonisystemet inte fungerar fortsätter du att ta emot kontakter. Skriv ner varje kontakt på en utskriven blankett eller i en registreringsfil (CSV). När systemet fungerar igen importeras filen här, och varje kontakt blir ett ärende med den tid då kontakten togs. Samma fil kan importeras flera gånger utan att något ärende registreras två gånger.
fallback-routine = Så gör du
fallback-step-1 = Skriv ut några tomma blanketter i förväg och förvara dem vid arbetsplatsen. Teamledaren ser till att registreringsfilen (mallen nedan) finns sparad lokalt på varje dator.
fallback-step-2 = Vid driftstopp: ge varje kontakt ett eget id – dina initialer och ett löpnummer, till exempel AB-001, AB-002 – och notera tiden (ÅÅÅÅ-MM-DD TT:MM), kanalen, ärendetypens kod, vad ärendet gäller och om det löstes direkt. Kontaktuppgifter skrivs bara när invånaren vill ha återkoppling eller ärendet kräver det.
fallback-step-3 = Fyll i blanketten för hand eller skriv direkt i registreringsfilen, en rad per kontakt. Spara filen som ”CSV UTF-8”; semikolon eller komma som avgränsare går bra.
fallback-step-4 = Blanketter och fil innehåller personuppgifter: förvara dem inlåsta eller på din egen lagringsyta, aldrig i e-post eller på delade USB-minnen. Teamledaren samlar in dem när passet slutar.
fallback-step-5 = När systemet fungerar igen för teamledaren eller en utsedd agent in blanketterna i en registreringsfil och importerar den här. Om en rad är fel importeras ingenting: rätta raderna som listas och importera hela filen igen.
fallback-step-6 = Kontrollera att antalet importerade ärenden stämmer med antalet blanketter, skriv ärendenumret på varje blankett och förstör sedan blanketterna och filen.
fallback-print-link = Tom blankett för utskrift (A4)
fallback-template-link = Registreringsfil att fylla i (CSV-mall med ett exempel)
fallback-columns = Kolumnerna i registreringsfilen
fallback-columns-caption = Kolumner. Rubrikraden ska finnas; kolumnerna kan stå i valfri ordning och de frivilliga kan utelämnas.
fallback-col-column = Kolumn
fallback-col-content = Innehåll
fallback-about-id = Kontaktens eget id: initialer och löpnummer, t.ex. AB-001. Bokstäver, siffror, - _ och punkt. Samma id importeras bara en gång.
fallback-about-time = När kontakten togs, svensk tid: ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-20 08:15. Får inte ligga i framtiden.
fallback-about-channel = telefon, besök, e-post, brev, sms, chatt eller sociala medier.
fallback-about-case-type = Ärendetypens kod i katalogen, t.ex. AVF-ATERV.
fallback-about-district = Stadsdelens namn eller kod, t.ex. Farsta. Krävs för ärendetyper där stadsdelen avgör vilken nämnd som ansvarar.
fallback-about-description = Vad kontakten gällde och vilket svar som gavs.
fallback-about-answered = ja om frågan besvarades vid kontakten (ärendet stängs), annars nej eller tomt.
fallback-about-name = Invånarens namn.
fallback-about-personnummer = ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN.
fallback-about-phone = Telefonnummer, t.ex. 070-123 45 67.
fallback-about-email = E-postadress.
fallback-about-feedback = Hur invånaren vill få återkoppling: telefon, e-post, sms eller brev. Kontaktuppgiften för kanalen måste finnas med.
fallback-about-form = Ärendetypens formulärfält som kod=värde, flera åtskilda med |, t.ex. child_birth_date=2025-03-01 | care_form=preschool.
fallback-import = Importera en registreringsfil
fallback-import-intro = Alla rader kontrolleras innan något registreras. Rader som importerats tidigare (samma id) registreras inte igen utan visas med sina ärendenummer.
fallback-import-agents = Importen registrerar ärenden i ditt namn och kräver därför behörighet att registrera ärenden av radernas ärendetyper (agentroll).
fallback-file = Registreringsfil (CSV)
fallback-import-button = Importera
fallback-no-file = Välj registreringsfilen att importera.
fallback-errors = { $count ->
    [one] Filen har ett fel. Ingenting har importerats: rätta raden och importera hela filen igen.
   *[other] Filen har { $count } fel. Ingenting har importerats: rätta raderna och importera hela filen igen.
}
fallback-errors-caption = Fel per rad (rad 1 är rubrikraden)
fallback-col-row = Rad
fallback-col-reason = Fel
fallback-whole-row = (hela raden)
fallback-result = Importerade: { $imported }. Redan importerade tidigare: { $already }.
fallback-result-caption = Resultat per rad
fallback-col-id = Id
fallback-col-case = Ärende
fallback-col-outcome = Utfall
fallback-imported = Importerad nu
fallback-already-imported = Redan importerad tidigare
fallback-interrupted = Importen avbröts av ett tekniskt fel. Raderna nedan är registrerade; importera samma fil igen för att registrera resten (inget registreras två gånger). Felkod:
fallback-form-title = Registreringsblankett vid driftstopp
fallback-form-print-hint = Skriv ut sidan (Ctrl+P). Blanketten ryms på ett A4-ark; navigeringen skrivs inte ut.
fallback-form-intro = En blankett per kontakt. Skriv tydligt. Inom parentes: kolumnen i registreringsfilen.
fallback-form-id = Id (initialer + löpnummer)
fallback-form-time = Datum och tid
fallback-form-agent = Agent
fallback-form-channel = Kanal
fallback-form-case-type = Ärendetyp (kod)
fallback-form-district = Stadsdel
fallback-form-description = Vad gäller kontakten? Vilket svar gavs?
fallback-form-form-fields = Ärendetypens uppgifter (fält=värde)
fallback-form-answered = Löst vid kontakten
fallback-form-resident = Invånaren (frivilligt)
fallback-form-personnummer = Personnummer
fallback-form-phone = Telefon
fallback-form-afterwards = Efteråt
fallback-form-imported-by = Inmatad i fil av
fallback-form-case-number = Ärendenummer
yes = ja
no = nej
