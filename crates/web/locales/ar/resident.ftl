# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = صفحاتي (Mina sidor)
ms-skip = انتقل إلى المحتوى
ms-nav = القائمة
ms-languages = اللغة
ms-language-choose = اختر اللغة
ms-my-cases = طلباتي
ms-start-case = ابدأ طلبًا
ms-logout = تسجيل الخروج
ms-logged-in-email = أنت مسجّل الدخول برمز أُرسل إلى بريدك الإلكتروني.
ms-logged-in-sms = أنت مسجّل الدخول برمز أُرسل إلى هاتفك المحمول.
ms-logged-in-eid = أنت مسجّل الدخول بالهوية الإلكترونية.
ms-logged-in-case = أنت تتابع طلبًا برقم الطلب والرمز.
ms-contact-title = طرق أخرى للتواصل معنا
ms-contact-phone = اتصل بمركز الاتصال: ⁦08-508 000 00⁩
ms-contact-text-phone = الهاتف النصي: اتصل بالرقم ⁦08-508 000 00⁩ عبر Texttelefoni.se
ms-contact-email = البريد الإلكتروني: ⁦kontaktcenter@stockholm.se⁩
ms-privacy = أنت وحدك ترى طلباتك هنا. نحن نسجّل كل مرة يُعرض فيها طلب.

## Log in
ms-login-title = سجّل الدخول إلى صفحاتي
ms-login-intro = هنا تتابع طلباتك لدى البلدية. يمكنك أيضًا أن تكتب إلينا وترسل مستندات.
ms-eid-title = بالهوية الإلكترونية
ms-eid-text = استخدم BankID أو Freja eID. عندها ترى كل طلباتك.
ms-eid-button = سجّل الدخول بالهوية الإلكترونية
ms-code-title = برمز إلى بريدك الإلكتروني أو هاتفك المحمول
ms-code-text = نرسل رمزًا إلى بريدك الإلكتروني أو هاتفك المحمول. سترى الطلبات التي كتبت فيها هذا العنوان نفسه.
ms-code-address = البريد الإلكتروني أو رقم الهاتف المحمول
ms-code-address-hint = مثلًا ⁦namn@exempel.se⁩ أو ⁦070-123 45 67⁩
ms-code-send = أرسل الرمز
ms-follow-title = تابع طلبًا دون تسجيل الدخول
ms-follow-text = تحتاج إلى رقم الطلب والرمز من رسالة التأكيد التي أرسلناها إليك.
ms-follow-number = رقم الطلب
ms-follow-number-hint = مثلًا ⁦KC-2026-000123⁩
ms-follow-token = الرمز من رسالة التأكيد
ms-follow-token-hint = 12 حرفًا، مثلًا ⁦ABCD-EFGH-JKMN⁩
ms-follow-button = اعرض الطلب
ms-logged-out = لقد سجّلت الخروج.

## The code
ms-code-sent-title = اكتب الرمز
ms-code-sent-email = أرسلنا رمزًا إلى بريدك الإلكتروني. الرمز صالح لمدة { $minutes } دقائق.
ms-code-sent-sms = أرسلنا رمزًا إلى هاتفك المحمول. الرمز صالح لمدة { $minutes } دقائق.
ms-code-label = الرمز (6 أرقام)
ms-code-button = سجّل الدخول
ms-code-again = لم يصلك رمز؟ اطلب رمزًا جديدًا.
ms-code-message-subject = رمز الدخول إلى صفحاتي
ms-code-message-body = رمز الدخول إلى صفحاتي هو { $code }. الرمز صالح لمدة { $minutes } دقائق. إذا لم تطلب رمزًا، يمكنك تجاهل هذه الرسالة.
ms-code-sms = { $code } هو رمز الدخول إلى صفحاتي. الرمز صالح لمدة { $minutes } دقائق.

## Errors
ms-error-title = يجب تصحيح شيء ما
ms-error-address = اكتب عنوان بريد إلكتروني أو رقم هاتف محمول.
ms-error-too-many = أرسلنا رموزًا كثيرة إلى هذا العنوان. انتظر ساعة وحاول مرة أخرى، أو اتصل بنا.
ms-error-code-format = الرمز مكوّن من 6 أرقام.
ms-error-code-wrong = الرمز غير صحيح. عدد المحاولات المتبقية: { $left }.
ms-error-code-expired = الرمز لم يعد صالحًا. اطلب رمزًا جديدًا.
ms-error-follow = رقم الطلب والرمز غير متطابقين. راجع رسالة التأكيد وحاول مرة أخرى.
ms-error-follow-format = اكتب رقم الطلب كما في رسالة التأكيد، مثلًا ⁦KC-2026-000123⁩، واكتب الرمز المكوّن من 12 حرفًا.
ms-error-session = أنت غير مسجّل الدخول، أو مرّ وقت طويل. سجّل الدخول مرة أخرى.
ms-error-not-found = لم نجد هذا الطلب بين طلباتك.
ms-error-closed = الطلب مُغلق. ابدأ طلبًا جديدًا إذا كنت تحتاج إلى مساعدة أكثر.
ms-error-failed = لم نتمكن من الحفظ الآن. حاول مرة أخرى بعد قليل.
ms-error-slow-down = حاولت مرات كثيرة. انتظر قليلًا وحاول مرة أخرى.
ms-error-eid = لم ينجح تسجيل الدخول بالهوية الإلكترونية. حاول مرة أخرى.
ms-error-message-empty = اكتب رسالة أو اختر ملفًا.
ms-error-message-long = الرسالة طويلة جدًا.
ms-error-files = يمكنك إرسال 3 ملفات كحد أقصى في كل مرة. حجم كل ملف ⁦10 MB⁩ كحد أقصى.
ms-error-phone = اكتب رقم هاتف، مثلًا ⁦070-123 45 67⁩.
ms-error-when = اكتب نصًا أقصر، 200 حرف كحد أقصى.
ms-error-channel = هذا غير ممكن. ليس لدينا هذا العنوان في الطلب. اكتب العنوان في رسالة بدلًا من ذلك.
ms-error-back = رجوع

## My cases
ms-cases-none = ليس لديك طلبات لدينا بطريقة الدخول هذه.
ms-cases-count = عدد الطلبات: { $count }
ms-cases-open = الطلبات الجارية
ms-cases-closed = الطلبات المُغلقة
ms-col-number = رقم الطلب
ms-col-what = الطلب
ms-col-status = حالة الطلب
ms-col-by = آخر موعد للرد
ms-col-updated = آخر تغيير

## One case
ms-case-title = الطلب { $number }
ms-back-to-cases = العودة إلى طلباتي
ms-feedback-now = ستتلقى الرد عبر: { $channel }
ms-channel-email = البريد الإلكتروني
ms-channel-sms = رسالة نصية
ms-channel-phone = الهاتف
ms-channel-letter = رسالة بريدية
ms-channel-none = لم يتم اختيار شيء
ms-documents = المستندات
ms-message-title = اكتب إلينا
ms-message-text = الرسالة
ms-message-files = أرفق مستندات أو صورًا (إذا أردت)
ms-message-files-hint = 3 ملفات كحد أقصى. حجم كل ملف ⁦10 MB⁩ كحد أقصى.
ms-message-send = أرسل
ms-message-sent = شكرًا! وصلنا ما أرسلته.
ms-feedback-title = كيف تريد أن تتلقى الرد؟
ms-feedback-save = احفظ
ms-feedback-saved = ستتلقى الرد الآن بالطريقة الجديدة.
ms-callback-title = نتصل بك
ms-callback-text = هل تفضّل أن تتحدث معنا؟ اكتب رقمك وسنتصل بك.
ms-callback-phone = رقم الهاتف
ms-callback-when = ما الوقت المناسب لك؟ (إذا أردت)
ms-callback-when-hint = مثلًا: أيام العمل بعد الساعة 15
ms-callback-send = اطلب أن نتصل بك
ms-callback-sent = شكرًا! سنتصل بك.
ms-closed-note = الطلب مُغلق. لا يمكنك إضافة شيء هنا. ابدأ طلبًا جديدًا إذا كنت تحتاج إلى مساعدة أكثر.

## Start a case
ms-start-intro = اختر ما يناسبك.
ms-start-eservices = الخدمات الإلكترونية: أبلغ عن عطل، أو قدّم طلبًا، أو اسأل
ms-start-assistant = اطرح سؤالًا على مساعدنا على الموقع
ms-start-call = يمكنك أيضًا أن تتصل بنا على الرقم ⁦08-508 000 00⁩.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = الطلب
resident-status = حالة الطلب
resident-feedback-by = آخر موعد للرد
resident-about = موضوع الطلب
resident-timeline = ما حدث حتى الآن
resident-the-city = البلدية
resident-status-registered = استلمنا طلبك.
resident-status-in-progress = نحن نعمل على طلبك.
resident-status-waiting = ننتظر ردًا منك.
resident-status-handed-over = أُحيل طلبك إلى { $to }.
resident-status-closed = الطلب مُغلق.
resident-entry-registered = استلمنا طلبك ({ $channel }).
resident-entry-you-wrote = أنت كتبت:
resident-entry-we-wrote = ردّنا:
resident-entry-document = استلمنا المستند { $name }.
resident-entry-closed = أُغلق الطلب.
resident-entry-waiting = نحتاج إلى معلومات أكثر منك.
resident-entry-in-progress = نحن نعمل على طلبك.
resident-entry-handed-over = أُحيل الطلب إلى { $to }.
resident-entry-taken-on = بدأ موظف العمل على طلبك.
resident-entry-new-date = ستتلقى الرد في موعد أقصاه { $date }.
resident-entry-feedback-channel = اخترت أن تتلقى الرد عبر { $channel }.
resident-entry-callback = طلبت منا أن نتصل بك.
resident-via-phone = الهاتف
resident-via-email = البريد الإلكتروني
resident-via-sms = رسالة نصية
resident-via-e-service = خدمة إلكترونية
resident-via-letter = رسالة بريدية
resident-via-visit = زيارة
resident-via-social-media = وسائل التواصل الاجتماعي
resident-via-chat = الدردشة
resident-via-open311 = تطبيق
