# Mina sidor: the residents' pages. Plain language: short sentences, informal "you" (tú).
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = Mis páginas (Mina sidor)
ms-skip = Ir al contenido
ms-nav = Menú
ms-languages = Idioma
ms-language-choose = Elige idioma
ms-my-cases = Mis casos
ms-start-case = Abrir un caso
ms-logout = Cerrar sesión
ms-logged-in-email = Has entrado con un código enviado a tu correo electrónico.
ms-logged-in-sms = Has entrado con un código enviado a tu móvil.
ms-logged-in-eid = Has entrado con identificación electrónica.
ms-logged-in-case = Estás siguiendo un caso con su número de caso y su código.
ms-contact-title = Otras formas de contactarnos
ms-contact-phone = Llama al centro de atención: 08-508 000 00
ms-contact-text-phone = Teléfono de texto: llama al 08-508 000 00 a través de Texttelefoni.se
ms-contact-email = Correo electrónico: kontaktcenter@stockholm.se
ms-privacy = Solo tú puedes ver tus casos aquí. Registramos cada vez que se muestra un caso.

## Log in
ms-login-title = Inicia sesión en Mis páginas
ms-login-intro = Aquí puedes seguir tus casos con el ayuntamiento. También puedes escribirnos y enviar documentos.
ms-eid-title = Con identificación electrónica
ms-eid-text = Usa BankID o Freja eID. Así verás todos tus casos.
ms-eid-button = Iniciar sesión con identificación electrónica
ms-code-title = Con un código a tu correo o a tu móvil
ms-code-text = Te enviamos un código a tu correo electrónico o a tu móvil. Verás los casos en los que diste esa misma dirección.
ms-code-address = Correo electrónico o número de móvil
ms-code-address-hint = Por ejemplo nombre@ejemplo.es o 070-123 45 67
ms-code-send = Enviar código
ms-follow-title = Sigue un caso sin iniciar sesión
ms-follow-text = Necesitas el número de caso y el código de la confirmación que te enviamos.
ms-follow-number = Número de caso
ms-follow-number-hint = Por ejemplo KC-2026-000123
ms-follow-token = Código de la confirmación
ms-follow-token-hint = 12 caracteres, por ejemplo ABCD-EFGH-JKMN
ms-follow-button = Ver el caso
ms-logged-out = Has cerrado la sesión.

## The code
ms-code-sent-title = Escribe el código
ms-code-sent-email = Te hemos enviado un código a tu correo electrónico. El código vale durante { $minutes } minutos.
ms-code-sent-sms = Te hemos enviado un código a tu móvil. El código vale durante { $minutes } minutos.
ms-code-label = Código (6 cifras)
ms-code-button = Iniciar sesión
ms-code-again = ¿No te ha llegado el código? Pide uno nuevo.
ms-code-message-subject = Tu código para Mis páginas
ms-code-message-body = Tu código para Mis páginas es { $code }. El código vale durante { $minutes } minutos. Si no has pedido ningún código, puedes ignorar este mensaje.
ms-code-sms = { $code } es tu código para Mis páginas. El código vale durante { $minutes } minutos.

## Errors
ms-error-title = Hay algo que corregir
ms-error-address = Escribe un correo electrónico o un número de móvil.
ms-error-too-many = Hemos enviado muchos códigos a esa dirección. Espera una hora y vuelve a intentarlo, o llámanos.
ms-error-code-format = El código tiene 6 cifras.
ms-error-code-wrong = El código no es correcto. Intentos que te quedan: { $left }.
ms-error-code-expired = El código ya no vale. Pide un código nuevo.
ms-error-follow = El número de caso y el código no coinciden. Mira la confirmación y vuelve a intentarlo.
ms-error-follow-format = Escribe el número de caso como aparece en la confirmación, por ejemplo KC-2026-000123, y el código de 12 caracteres.
ms-error-session = No has iniciado sesión o ha pasado demasiado tiempo. Vuelve a iniciar sesión.
ms-error-not-found = No encontramos ese caso entre tus casos.
ms-error-closed = El caso está cerrado. Abre un caso nuevo si necesitas más ayuda.
ms-error-failed = No se ha podido guardar ahora. Vuelve a intentarlo dentro de un rato.
ms-error-slow-down = Lo has intentado muchas veces. Espera un rato y vuelve a intentarlo.
ms-error-eid = No se ha podido iniciar sesión con identificación electrónica. Vuelve a intentarlo.
ms-error-message-empty = Escribe un mensaje o elige un archivo.
ms-error-message-long = El mensaje es demasiado largo.
ms-error-files = Puedes enviar como máximo 3 archivos a la vez. Cada archivo puede tener como máximo 10 MB.
ms-error-phone = Escribe un número de teléfono, por ejemplo 070-123 45 67.
ms-error-when = Escribe menos, como máximo 200 caracteres.
ms-error-channel = No es posible. No tenemos esa dirección en el caso. Escribe la dirección en un mensaje.
ms-error-back = Volver

## My cases
ms-cases-none = No tienes casos con nosotros con este inicio de sesión.
ms-cases-count = Número de casos: { $count }
ms-cases-open = Casos en curso
ms-cases-closed = Casos cerrados
ms-col-number = Número de caso
ms-col-what = Caso
ms-col-status = Cómo va
ms-col-by = Respuesta como muy tarde
ms-col-updated = Último cambio

## One case
ms-case-title = Caso { $number }
ms-back-to-cases = Volver a mis casos
ms-feedback-now = Recibirás la respuesta por: { $channel }
ms-channel-email = correo electrónico
ms-channel-sms = SMS
ms-channel-phone = teléfono
ms-channel-letter = carta
ms-channel-none = sin elegir
ms-documents = Documentos
ms-message-title = Escríbenos
ms-message-text = Mensaje
ms-message-files = Adjunta documentos o fotos (si quieres)
ms-message-files-hint = Como máximo 3 archivos. Cada archivo puede tener como máximo 10 MB.
ms-message-send = Enviar
ms-message-sent = ¡Gracias! Hemos recibido lo que nos enviaste.
ms-feedback-title = ¿Cómo quieres recibir la respuesta?
ms-feedback-save = Guardar
ms-feedback-saved = Ahora recibirás la respuesta de la nueva forma.
ms-callback-title = Te llamamos
ms-callback-text = ¿Prefieres hablar con nosotros? Escribe tu número y te llamamos.
ms-callback-phone = Número de teléfono
ms-callback-when = ¿Cuándo te viene bien? (si quieres)
ms-callback-when-hint = Por ejemplo: días laborables después de las 15:00
ms-callback-send = Pedir que te llamemos
ms-callback-sent = ¡Gracias! Te llamaremos.
ms-closed-note = El caso está cerrado. Aquí no puedes añadir nada. Abre un caso nuevo si necesitas más ayuda.

## Start a case
ms-start-intro = Elige lo que mejor te convenga.
ms-start-eservices = Servicios electrónicos: avisa de una avería, haz una solicitud o pregunta
ms-start-assistant = Haz una pregunta a nuestro asistente web
ms-start-call = También puedes llamarnos al 08-508 000 00.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = Caso
resident-status = Cómo va
resident-feedback-by = Recibirás respuesta como muy tarde
resident-about = De qué se trata
resident-timeline = Lo que ha pasado
resident-the-city = el ayuntamiento
resident-status-registered = Hemos recibido tu caso.
resident-status-in-progress = Estamos trabajando en tu caso.
resident-status-waiting = Esperamos tu respuesta.
resident-status-handed-over = Ahora lleva tu caso: { $to }.
resident-status-closed = El caso está cerrado.
resident-entry-registered = Recibimos tu caso ({ $channel }).
resident-entry-you-wrote = Escribiste:
resident-entry-we-wrote = Respondimos:
resident-entry-document = Recibimos el documento { $name }.
resident-entry-closed = Se cerró el caso.
resident-entry-waiting = Necesitamos más información tuya.
resident-entry-in-progress = Estamos trabajando en tu caso.
resident-entry-handed-over = El caso pasó a: { $to }.
resident-entry-taken-on = Una persona del ayuntamiento ha empezado a trabajar en tu caso.
resident-entry-new-date = Recibirás respuesta como muy tarde el { $date }.
resident-entry-feedback-channel = Elegiste recibir la respuesta por: { $channel }.
resident-entry-callback = Nos pediste que te llamáramos.
resident-via-phone = teléfono
resident-via-email = correo electrónico
resident-via-sms = SMS
resident-via-e-service = servicio electrónico
resident-via-letter = carta
resident-via-visit = visita
resident-via-social-media = redes sociales
resident-via-chat = chat
resident-via-open311 = aplicación
