# Mina sidor: the residents' pages. Plain language: short sentences.
# Every message here exists in every resident language (a test checks it).

## The frame of every page
ms-brand = صفحه‌های من (Mina sidor)
ms-skip = رفتن به محتوا
ms-nav = منو
ms-languages = زبان
ms-language-choose = زبان را انتخاب کنید
ms-my-cases = پرونده‌های من
ms-start-case = شروع یک پرونده
ms-logout = خروج
ms-logged-in-email = شما با کدی وارد شده‌اید که به ایمیلتان فرستادیم.
ms-logged-in-sms = شما با کدی وارد شده‌اید که به تلفن همراهتان فرستادیم.
ms-logged-in-eid = شما با شناسه الکترونیکی وارد شده‌اید.
ms-logged-in-case = شما یک پرونده را با شماره پرونده و کد دنبال می‌کنید.
ms-contact-title = راه‌های دیگر تماس با ما
ms-contact-phone = با مرکز تماس تماس بگیرید: ⁦08-508 000 00⁩
ms-contact-text-phone = تلفن متنی: از طریق Texttelefoni.se با شماره ⁦08-508 000 00⁩ تماس بگیرید
ms-contact-email = ایمیل: ⁦kontaktcenter@stockholm.se⁩
ms-privacy = فقط شما پرونده‌هایتان را اینجا می‌بینید. هر بار که پرونده‌ای نمایش داده شود، آن را ثبت می‌کنیم.

## Log in
ms-login-title = ورود به صفحه‌های من
ms-login-intro = اینجا پرونده‌هایتان را در شهرداری دنبال می‌کنید. همچنین می‌توانید برای ما بنویسید و مدارک بفرستید.
ms-eid-title = با شناسه الکترونیکی
ms-eid-text = از BankID یا Freja eID استفاده کنید. آن وقت همه پرونده‌هایتان را می‌بینید.
ms-eid-button = ورود با شناسه الکترونیکی
ms-code-title = با کدی به ایمیل یا تلفن همراه
ms-code-text = ما کدی به ایمیل یا تلفن همراه شما می‌فرستیم. پرونده‌هایی را می‌بینید که در آن‌ها همین نشانی را داده‌اید.
ms-code-address = نشانی ایمیل یا شماره تلفن همراه
ms-code-address-hint = برای مثال ⁦namn@exempel.se⁩ یا ⁦070-123 45 67⁩
ms-code-send = ارسال کد
ms-follow-title = دنبال کردن پرونده بدون ورود
ms-follow-text = به شماره پرونده و کد نیاز دارید. آن‌ها در تأییدیه‌ای هستند که برایتان فرستادیم.
ms-follow-number = شماره پرونده
ms-follow-number-hint = برای مثال ⁦KC-2026-000123⁩
ms-follow-token = کد در تأییدیه
ms-follow-token-hint = 12 حرف، برای مثال ⁦ABCD-EFGH-JKMN⁩
ms-follow-button = نمایش پرونده
ms-logged-out = شما خارج شدید.

## The code
ms-code-sent-title = کد را وارد کنید
ms-code-sent-email = ما کدی به ایمیل شما فرستادیم. این کد { $minutes } دقیقه اعتبار دارد.
ms-code-sent-sms = ما کدی به تلفن همراه شما فرستادیم. این کد { $minutes } دقیقه اعتبار دارد.
ms-code-label = کد (6 رقم)
ms-code-button = ورود
ms-code-again = کدی دریافت نکردید؟ کد جدیدی بخواهید.
ms-code-message-subject = کد شما برای صفحه‌های من
ms-code-message-body = کد شما برای صفحه‌های من { $code } است. این کد { $minutes } دقیقه اعتبار دارد. اگر کدی درخواست نکرده‌اید، این پیام را نادیده بگیرید.
ms-code-sms = { $code } کد شما برای صفحه‌های من است. این کد { $minutes } دقیقه اعتبار دارد.

## Errors
ms-error-title = چیزی باید اصلاح شود
ms-error-address = یک نشانی ایمیل یا شماره تلفن همراه بنویسید.
ms-error-too-many = ما کدهای زیادی به این نشانی فرستاده‌ایم. یک ساعت صبر کنید و دوباره امتحان کنید، یا با ما تماس بگیرید.
ms-error-code-format = کد 6 رقم دارد.
ms-error-code-wrong = کد درست نیست. { $left } بار دیگر می‌توانید امتحان کنید.
ms-error-code-expired = این کد دیگر اعتبار ندارد. کد جدیدی بخواهید.
ms-error-follow = شماره پرونده و کد با هم مطابقت ندارند. تأییدیه را نگاه کنید و دوباره امتحان کنید.
ms-error-follow-format = شماره پرونده را مثل تأییدیه بنویسید، برای مثال ⁦KC-2026-000123⁩، و کد 12 حرفی را هم بنویسید.
ms-error-session = شما وارد نشده‌اید، یا زمان زیادی گذشته است. دوباره وارد شوید.
ms-error-not-found = چنین پرونده‌ای در میان پرونده‌های شما پیدا نکردیم.
ms-error-closed = این پرونده بسته شده است. اگر به کمک بیشتری نیاز دارید، یک پرونده جدید شروع کنید.
ms-error-failed = الان ذخیره نشد. کمی بعد دوباره امتحان کنید.
ms-error-slow-down = بارها امتحان کرده‌اید. کمی صبر کنید و دوباره امتحان کنید.
ms-error-eid = ورود با شناسه الکترونیکی انجام نشد. دوباره امتحان کنید.
ms-error-message-empty = یک پیام بنویسید یا یک فایل انتخاب کنید.
ms-error-message-long = پیام خیلی طولانی است.
ms-error-files = هر بار حداکثر 3 فایل می‌توانید بفرستید. هر فایل حداکثر ⁦10 MB⁩ باشد.
ms-error-phone = یک شماره تلفن بنویسید، برای مثال ⁦070-123 45 67⁩.
ms-error-when = کوتاه‌تر بنویسید، حداکثر 200 حرف.
ms-error-channel = این ممکن نیست. چنین نشانی‌ای در پرونده نداریم. به جای آن، نشانی را در یک پیام بنویسید.
ms-error-back = بازگشت

## My cases
ms-cases-none = با این روش ورود هیچ پرونده‌ای نزد ما ندارید.
ms-cases-count = تعداد پرونده‌ها: { $count }
ms-cases-open = پرونده‌های در جریان
ms-cases-closed = پرونده‌های بسته‌شده
ms-col-number = شماره پرونده
ms-col-what = پرونده
ms-col-status = وضعیت
ms-col-by = آخرین مهلت پاسخ
ms-col-updated = آخرین تغییر

## One case
ms-case-title = پرونده { $number }
ms-back-to-cases = بازگشت به پرونده‌های من
ms-feedback-now = پاسخ را از این راه دریافت می‌کنید: { $channel }
ms-channel-email = ایمیل
ms-channel-sms = پیامک
ms-channel-phone = تلفن
ms-channel-letter = نامه
ms-channel-none = چیزی انتخاب نشده
ms-documents = مدارک
ms-message-title = برای ما بنویسید
ms-message-text = پیام
ms-message-files = پیوست مدارک یا عکس (اگر می‌خواهید)
ms-message-files-hint = حداکثر 3 فایل. هر فایل حداکثر ⁦10 MB⁩ باشد.
ms-message-send = ارسال
ms-message-sent = متشکریم! آنچه فرستادید به دست ما رسید.
ms-feedback-title = پاسخ را از چه راهی می‌خواهید دریافت کنید؟
ms-feedback-save = ذخیره
ms-feedback-saved = از این پس پاسخ را از راه جدید دریافت می‌کنید.
ms-callback-title = ما با شما تماس می‌گیریم
ms-callback-text = ترجیح می‌دهید با ما صحبت کنید؟ شماره‌تان را بنویسید تا با شما تماس بگیریم.
ms-callback-phone = شماره تلفن
ms-callback-when = چه زمانی برایتان مناسب است؟ (اگر می‌خواهید)
ms-callback-when-hint = برای مثال: روزهای کاری بعد از ساعت 15
ms-callback-send = درخواست تماس
ms-callback-sent = متشکریم! با شما تماس می‌گیریم.
ms-closed-note = این پرونده بسته شده است. اینجا نمی‌توانید چیزی اضافه کنید. اگر به کمک بیشتری نیاز دارید، یک پرونده جدید شروع کنید.

## Start a case
ms-start-intro = گزینه مناسب خود را انتخاب کنید.
ms-start-eservices = خدمات الکترونیکی: گزارش خرابی، درخواست یا پرسش
ms-start-assistant = از دستیار وب ما سؤال کنید
ms-start-call = همچنین می‌توانید با شماره ⁦08-508 000 00⁩ با ما تماس بگیرید.

## The case as the resident sees it (also in the officer's "resident view")
resident-case = پرونده
resident-status = وضعیت
resident-feedback-by = آخرین مهلت پاسخ
resident-about = موضوع پرونده
resident-timeline = آنچه تا حالا اتفاق افتاده
resident-the-city = شهرداری
resident-status-registered = پرونده شما را دریافت کرده‌ایم.
resident-status-in-progress = روی پرونده شما کار می‌کنیم.
resident-status-waiting = منتظر پاسخ شما هستیم.
resident-status-handed-over = پرونده شما به { $to } سپرده شده است.
resident-status-closed = این پرونده بسته شده است.
resident-entry-registered = پرونده شما را دریافت کردیم ({ $channel }).
resident-entry-you-wrote = شما نوشتید:
resident-entry-we-wrote = ما پاسخ دادیم:
resident-entry-document = مدرک { $name } را دریافت کردیم.
resident-entry-closed = پرونده بسته شد.
resident-entry-waiting = به اطلاعات بیشتری از شما نیاز داریم.
resident-entry-in-progress = روی پرونده شما کار می‌کنیم.
resident-entry-handed-over = پرونده به { $to } سپرده شد.
resident-entry-taken-on = یک کارشناس کار روی پرونده شما را شروع کرده است.
resident-entry-new-date = پاسخ را حداکثر تا { $date } دریافت می‌کنید.
resident-entry-feedback-channel = شما انتخاب کردید که پاسخ را از طریق { $channel } دریافت کنید.
resident-entry-callback = شما از ما خواستید که با شما تماس بگیریم.
resident-via-phone = تلفن
resident-via-email = ایمیل
resident-via-sms = پیامک
resident-via-e-service = خدمت الکترونیکی
resident-via-letter = نامه
resident-via-visit = مراجعه حضوری
resident-via-social-media = شبکه‌های اجتماعی
resident-via-chat = چت
resident-via-open311 = اپلیکیشن
