#!/usr/bin/env python3
"""Writes the fuzzers' seed inputs: realistic mails and Open311 form bodies.

    python3 fuzz/seeds/make_seeds.py

The files it writes (fuzz/seeds/<target>/) are committed; rerun it after
changing it. libFuzzer reads them as a second, read-only corpus.
"""
import base64
import os
import quopri
from urllib.parse import quote_plus

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def qp(text, charset="utf-8"):
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def b64(data, width=76):
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i : i + width] for i in range(0, len(s), width))


# A tiny valid PNG (1x1) and the start of a PDF: sniffable attachments.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

PLAIN = ("Hej!\n\nEtt stort träd har fallit över gångvägen vid Farsta strand, i höjd med Ågatan 12.\n"
         "Det går inte att komma förbi med barnvagn. Bifogar en bild.\n\nMed vänlig hälsning\n"
         "Anna Svensson Åström\n070-123 45 67")

# 1. A Swedish multipart mail with attachments (an image named in RFC 2231,
#    a "PDF" that is a program), quoted-printable UTF-8 text, encoded subject.
write("mail_parse", "01-multipart-bilaga.eml", crlf(f"""\
Return-Path: <anna.svensson@example.se>
Delivered-To: kontaktcenter@stockholm.se
From: =?UTF-8?Q?Anna_Svensson_=C3=85str=C3=B6m?= <anna.svensson@example.se>
To: Kontaktcenter <kontaktcenter@stockholm.se>
Cc: "Bo Ek" <bo.ek@example.se>
Subject: =?UTF-8?B?{base64.b64encode('Nedfallet träd på gångvägen i Farsta'.encode()).decode()}?=
Date: Mon, 23 Nov 2026 08:15:00 +0100
Message-ID: <CAF3a9b1c2d3@mail.example.se>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==yttre=="

--==yttre==
Content-Type: multipart/alternative; boundary="==inre=="

--==inre==
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(PLAIN)}
--==inre==
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp('<p>Hej!</p><p>Ett stort träd har fallit över gångvägen vid <b>Farsta strand</b>.</p>')}
--==inre==--

--==yttre==
Content-Type: image/png
Content-Disposition: attachment; filename*=utf-8''tr%C3%A4d_p%C3%A5_g%C3%A5ngv%C3%A4gen.png
Content-Transfer-Encoding: base64

{b64(PNG)}

--==yttre==
Content-Type: application/pdf; name="faktura.pdf"
Content-Disposition: attachment; filename="faktura.pdf"
Content-Transfer-Encoding: base64

{b64(EXE)}

--==yttre==--
"""))

# 2. An HTML-only mail in ISO-8859-1 (an older mail program).
html = ("<html><head><title>Fråga</title></head><body><p>Hej,</p><p>Jag undrar när "
        "sophämtningen kommer till Västerled 3 i Bromma? Tunnan har inte tömts på två veckor.</p>"
        "<p>Hälsningar<br>Örjan Ödmark</p></body></html>")
write("mail_parse", "02-html-latin1.eml", crlf(f"""\
From: =?ISO-8859-1?Q?=D6rjan_=D6dmark?= <orjan@example.se>
To: kontaktcenter@stockholm.se
Subject: =?ISO-8859-1?Q?Soph=E4mtning_i_Bromma?=
Date: Tue, 24 Nov 2026 19:02:11 +0100
Message-ID: <20261124190211.4711@example.se>
MIME-Version: 1.0
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(html, 'iso-8859-1')}
"""))

# 3. A bounce (RFC 3464 delivery report) about a message Kontakt sent.
write("mail_parse", "03-bounce.eml", crlf("""\
From: Mail Delivery System <MAILER-DAEMON@mx1.example.se>
To: kontaktcenter@stockholm.se
Subject: Undelivered Mail Returned to Sender
Date: Wed, 25 Nov 2026 10:00:00 +0100
Message-ID: <20261125090000.ABCDEF@mx1.example.se>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.example.se.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<anna.svensson@example.se>: host mx.example.se said: 550 5.1.1 User unknown

--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.se
Arrival-Date: Wed, 25 Nov 2026 09:59:58 +0100

Final-Recipient: rfc822; anna.svensson@example.se
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <anna.svensson@example.se>: Recipient address rejected: User unknown

--dsn
Content-Type: text/rfc822-headers

From: Kontaktcenter <kontaktcenter@stockholm.se>
To: anna.svensson@example.se
Subject: =?UTF-8?Q?Vi_har_tagit_emot_ditt_=C3=A4rende_KC-2026-000123?=
Message-ID: <kontakt.5f1e2d3c4b5a@stockholm.se>

--dsn--
"""))

# 3b. A report of a delay only: machine mail, nothing failed.
write("mail_parse", "03b-delayed.eml", crlf("""\
From: postmaster@mx1.example.se
To: kontaktcenter@stockholm.se
Subject: Delayed Mail (still being retried)
Content-Type: multipart/report; report-type=delivery-status; boundary="d"

--d
Content-Type: message/delivery-status

Final-Recipient: rfc822; bo.ek@example.se
Action: delayed
Status: 4.4.1
References: <kontakt.77aa@stockholm.se>

--d--
"""))

# 4. An automatic reply (out of office).
write("mail_parse", "04-autosvar.eml", crlf(f"""\
From: Bo Ek <bo.ek@example.se>
To: kontaktcenter@stockholm.se
Subject: =?UTF-8?Q?Fr=C3=A5nvaro:_Vi_har_tagit_emot_ditt_=C3=A4rende?=
Auto-Submitted: auto-replied
X-Autoreply: yes
Precedence: auto_reply
In-Reply-To: <kontakt.0a1b2c3d@stockholm.se>
Message-ID: <auto.42@example.se>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Jag är på semester till och med den 4 december och läser inte min e-post.
"""))

# 5. A reply with In-Reply-To and References, a case number in the
#    subject, and quoted history to cut off.
write("mail_parse", "05-svar.eml", crlf("""\
From: anna.svensson@example.se
To: "Kontaktcenter" <kontaktcenter@stockholm.se>
Subject: Sv: Vi har tagit emot ditt =?UTF-8?Q?=C3=A4rende?= KC-2026-000123
In-Reply-To: <kontakt.5f1e2d3c4b5a@stockholm.se>
References: <CAF3a9b1c2d3@mail.example.se>
 <kontakt.5f1e2d3c4b5a@stockholm.se>
Message-ID: <CAF3a9b1c2d4@mail.example.se>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: 8bit

Tack! Trädet ligger kvar i dag, nu har ännu en gren fallit.

Den 23 nov. 2026 kl. 09:12 skrev Kontaktcenter <kontaktcenter@stockholm.se>:
> Hej!
> Vi har tagit emot ditt ärende KC-2026-000123.
>
> -----Ursprungligt meddelande-----
> Från: Anna Svensson
"""))

# 6. A forwarded mail (message/rfc822) from Outlook, with a winmail-ish
#    inline part and a TNEF-less calendar file.
write("mail_parse", "06-vidarebefordrat.eml", crlf(f"""\
From: "Karin Lund" <karin.lund@foretag.example>
To: kontaktcenter@stockholm.se
Subject: VB: Klotter på vårt staket
Thread-Topic: Klotter
X-MS-Has-Attach: yes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fw"

--fw
Content-Type: text/plain; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

{qp('Se nedan – kan staden sanera?', 'cp1252')}

--fw
Content-Type: message/rfc822
Content-Disposition: attachment

From: vakt@foretag.example
To: karin.lund@foretag.example
Subject: Klotter
Content-Type: text/plain; charset=utf-8

Klotter på staketet mot Götgatan, ca 5 m².

--fw
Content-Type: text/calendar; charset=utf-8; method=REQUEST
Content-Disposition: inline; filename="mote.ics"

BEGIN:VCALENDAR
END:VCALENDAR
--fw--
"""))

# 7. A mail longer than a description may be (cut, and the mail kept).
long_text = ("Hej, jag vill klaga på snöröjningen på Hornsgatan. " * 220).strip()
write("mail_parse", "07-lang.eml", crlf(f"""\
From: "Per =?UTF-8?Q?P=C3=A4rsson?=" <per@example.se>
To: kontaktcenter@stockholm.se
Subject: Lång berättelse
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{long_text}
"""))

# 8. The crash the first run found (docs/fuzzing.md): a multipart whose
#    message/rfc822 part holds only another message/rfc822 header; trips a
#    debug assertion in mail-parser 0.11.9.
write("mail_parse", "08-crash-invalid-part-id.eml",
      "Content-Type: multipart/mixed; boundary=fw\r\n\r\n--fw\r\nContent-Type: message/rfc822\r\n\r\n"
      "Content-Type: message/rfc822\r\n\r\n\r\n--fw--\r\n")

# Open311 POST bodies (application/x-www-form-urlencoded).
def form(pairs):
    return "&".join(f"{quote_plus(k, safe='[]')}={quote_plus(v)}" for k, v in pairs)

write("open311_post", "01-brief.txt",
      "api_key=x&service_code=AVF-ATERV&description=Tr%C3%A4d&lat=59.3&long=18.0&attribute[district]=farsta")
write("open311_post", "02-trad.txt", form([
    ("api_key", "k0ntakt-t0ken"), ("jurisdiction_id", "stockholm"),
    ("service_code", "GRON-TRAD"), ("description", "Ett träd har fallit över gångvägen."),
    ("lat", "59.2434"), ("long", "18.0931"), ("address_string", "Farsta strand 12"),
    ("attribute[location]", "Gångvägen vid Farsta strand"), ("attribute[problem]", "fallen"),
    ("attribute[danger]", "yes"), ("attribute[district]", "farsta"),
    ("first_name", "Anna"), ("last_name", "Åström"), ("email", "anna@example.se"),
    ("phone", "070-123 45 67"), ("media_url", "https://bilder.example.se/trad.jpg"),
]))
write("open311_post", "03-inomhus-flerval.txt", form([
    ("api_key", "x"), ("service_code", "MILJO-INNE"), ("description", "Mögel och möss"),
    ("attribute[address]", "Ringvägen 1"), ("attribute[problems][]", "damp"),
    ("attribute[problems][]", "pests"), ("attribute[landlord_contacted]", "no"),
    ("phone", "+46701234567"),
]))
write("open311_post", "04-annan-kommun.txt", "jurisdiction_id=goteborg&api_key=x&service_code=GRON-TRAD")
write("open311_post", "05-utan-tjanst.txt", "api_key=x&description=Hej")
write("open311_post", "06-fel-falt.txt", form([
    ("api_key", "x"), ("service_code", "FSK-KO"), ("description", ""),
    ("attribute[child_birth_date]", "2026-02-30"), ("attribute[wanted_start]", "imorgon"),
    ("attribute[care_form]", "dagis"), ("attribute[districts_wanted]", "farsta"),
    ("attribute[okänt]", "x"), ("email", "inte-en-adress"), ("phone", "123"),
    ("attribute[district]", "atlantis"),
]))
write("open311_post", "07-belysning.txt",
      "api_key=x&service_code=GATA-BELYS&description=Lampan+blinkar&attribute%5Blocation%5D=Ringv%C3%A4gen+5"
      "&attribute%5Bextent%5D=one&attribute%5Bstate%5D=flashing&attribute%5Bpole_number%5D=%2012%20"
      "&first_name=%20&last_name=Lindstr%C3%B6m")
