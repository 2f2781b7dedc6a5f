# لوحة aman — العربية.
# كل نص في الواجهة موجود هنا وفي fr.ftl وen.ftl بالمعرّفات نفسها (يتحقق اختبار من ذلك).
# تأخذ رسائل العدّ $n وتختار صيغة الجمع حسب CLDR: صفر، واحد، اثنان، قليل (3–10)،
# كثير (11–99)، وغير ذلك (100 فأكثر).
# الأرقام لاتينية في كل اللغات حتى تقرأ القوتان الرقم نفسه.

app-name = aman
app-tagline = عمليات سلامة الحشود

## اللغات (كل لغة باسمها)
lang-fr = Français
lang-ar = العربية
lang-en = English
lang-choose = اللغة

## الأوقات: مخزنة بالتوقيت العالمي وتُعرض بالتوقيت المحلي للقوتين
tz-paris = باريس
tz-casablanca = الدار البيضاء
time-pair = { $paris } { tz-paris } · { $casablanca } { tz-casablanca }
date-time-pair = { $paris } ({ tz-paris }) · { $casablanca } ({ tz-casablanca })

## الأعداد
alerts-open = { $n ->
    [zero] لا توجد تنبيهات مفتوحة
    [one] تنبيه مفتوح واحد
    [two] تنبيهان مفتوحان
    [few] { $n } تنبيهات مفتوحة
    [many] { $n } تنبيهًا مفتوحًا
   *[other] { $n } تنبيه مفتوح
}
persons = { $n ->
    [zero] لا أحد
    [one] شخص واحد
    [two] شخصان
    [few] { $n } أشخاص
    [many] { $n } شخصًا
   *[other] { $n } شخص
}

## تقرير اليوم (aman_report::day): صفحة واحدة قابلة للطباعة عن يوم تشغيل
day-title = تقرير اليوم
day-utc-day = اليوم بالتوقيت العالمي
day-local-times = الأوقات المحلية
day-from = من
day-to = إلى
day-made = أُعدّ التقرير
day-zones = المناطق
day-no-zones = لا توجد مناطق في الموقع.
day-peak-occupancy = أقصى إشغال
day-peak-density = أقصى كثافة
day-peak-time = وقت الذروة
day-worst-los = أسوأ مستوى خدمة
day-time-los-e = المدة في المستوى E
day-time-los-f = المدة في المستوى F
day-unit-density = شخص/م²
day-unit-hmm = س:دد
day-chart-title = الكثافة خلال اليوم
day-chart-axis = الساعة (التوقيت العالمي)
day-threshold = العتبة
day-no-readings = لا توجد قراءات في هذا اليوم.
day-gates = البوابات وخطوط العدّ
day-no-gates = لا توجد بوابات ولا خطوط عدّ في الموقع.
day-gate = البوابة أو الخط
day-in = الدخول
day-out = الخروج
day-alerts = التنبيهات
day-no-alerts = لا توجد تنبيهات في هذا اليوم.
day-alert-zone = المنطقة
day-alert-rule = القاعدة
day-alert-severity = الخطورة
day-alert-raised = وقت الإطلاق
day-alert-acknowledged = وقت الإقرار
day-alert-resolved = وقت الإغلاق
day-alert-verdict = الحكم
day-severity-extreme = قصوى
day-severity-severe = شديدة
day-severity-moderate = متوسطة
day-severity-minor = طفيفة
day-verdict-true = إنذار حقيقي
day-verdict-false = إنذار كاذب
day-verdict-none = لا حكم بعد
day-not-yet = —
day-method = مستويات الخدمة حسب فروين (1971). تبقى كل قراءة سارية حتى القراءة التالية: المدد في المستويين E وF مجموع هذه الدرجات، وانقطاع القراءات لا يُحسب لأي مستوى. الإشغال = الكثافة × مساحة المنطقة.
day-alert-count = { $n ->
    [zero] لا توجد تنبيهات
    [one] تنبيه واحد
    [two] تنبيهان
    [few] { $n } تنبيهات
    [many] { $n } تنبيهًا
   *[other] { $n } تنبيه
}
alerts-listed = { $n ->
    [zero] لا توجد تنبيهات معروضة
    [one] تنبيه واحد معروض
    [two] تنبيهان معروضان
    [few] { $n } تنبيهات معروضة
    [many] { $n } تنبيهًا معروضًا
   *[other] { $n } تنبيه معروض
}

## لوحة القيادة: التنقل والترويسة
nav-map = الخريطة
nav-alerts = التنبيهات
nav-sensors = المستشعرات
nav-report = تقرير اليوم
logout = تسجيل الخروج
live-connected = مباشر
live-reconnecting = جارٍ إعادة الاتصال…
live-changed = تغيّر منذ تحميل الصفحة: أعد تحميلها للتصرف
not-found = الصفحة غير موجودة
error-csrf = انتهت صلاحية هذا النموذج (أعدت تسجيل الدخول، أو في نافذة أخرى). أعد تحميل الصفحة وحاول مجددًا.
error-forbidden = دورك لا يسمح بهذا الإجراء.
error-conflict = لم يعد هذا ممكنًا: تغيّر الوضع في الأثناء. أعد تحميل الصفحة.
error-too-large = ما أرسلته طويل جدًا.
error-too-many = محاولات كثيرة جدًا: انتظر قليلًا ثم حاول مجددًا.
error-bad-request = تعذّرت قراءة ما أرسلته. أعد تحميل الصفحة وحاول مجددًا.
error-unavailable = لا يستطيع الخادم القيام بذلك الآن: حاول بعد قليل.
error-back = رجوع

## تسجيل الدخول
login-title = تسجيل الدخول
login-name = اسم المستخدم
login-password = كلمة المرور
login-submit = دخول
login-error-bad-credentials = اسم المستخدم أو كلمة المرور غير صحيحة.
login-error-locked = محاولات فاشلة كثيرة: هذا الحساب مقفل لمدة 15 دقيقة. يمكن للمسؤول فتحه.
login-error-rate-limited = محاولات كثيرة من هذا الجهاز. انتظر دقيقة ثم أعد المحاولة.

## أخطاء النماذج
form-error-too-long = هذا النص طويل جدًا.
form-error-bidi = يحتوي هذا النص على محارف خفية للتحكم في اتجاه الكتابة؛ احذفها.
form-error-control = يحتوي هذا النص على محارف تحكم؛ احذفها.
form-error-markup = الوسوم (نص بين علامتي الزاوية) غير مسموح بها في هذا النص.
form-error-language = اختر الفرنسية أو العربية أو الإنجليزية.
form-error-choice = هذا الاختيار ليس في القائمة.
form-error-verdict-empty = اختر حكمًا.

## الخريطة
map-zoom-in = تكبير
map-zoom-out = تصغير
map-zoom-reset = الموقع كاملًا
map-heat = خريطة حرارية للكثافة
legend = مستويات الخدمة (فروين)
los-a = A: حركة حرة
los-b = B: تعارضات طفيفة
los-c = C: سرعة مقيدة
los-d = D: تباطؤ معظم المشاة
los-e = E: مشي متثاقل وتلامس متكرر
los-f = F: حرج، انهيار التدفق
flow-in-out = دخول { $inflow } · خروج { $outflow } /دقيقة
live-alerts = التنبيهات المباشرة
live-alerts-none = لا توجد تنبيهات.
zones = المناطق
zone = المنطقة
los = مستوى الخدمة
density-unit = الكثافة (شخص/م²)
occupancy = الإشغال (أشخاص)
capacity = السعة (أشخاص)
pressure-unit = الضغط (1/ث²)

## التنبيهات
rule = القاعدة
status = الحالة
severity = الخطورة
verdict = الحكم
cap = CAP
actions = إجراءات
filter-all = الكل
filter-apply = تصفية
alert-sound = صوت عند كل تنبيه جديد
alert-raised-at = وقت الإطلاق
alert-acknowledge = إقرار
acknowledged-by = أقرّه { $who }
alert-resolve = إنهاء
resolved-by = أنهاه { $who }
status-open = مفتوح
status-acknowledged = تم الإقرار
status-resolved = تمت المعالجة
severity-extreme = بالغ الخطورة
severity-severe = خطير
severity-moderate = متوسط
severity-minor = طفيف
measure-density = الكثافة
measure-los = مستوى الخدمة
measure-pressure = ضغط الحشد
measure-occupancy = الإشغال
measure-specific_flow = التدفق النوعي
measure-stale = مستشعر صامت
measure-unknown = قاعدة غير معروفة
verdict-choose = الحكم…
verdict-true-positive = تنبيه صحيح
verdict-false-positive = تنبيه خاطئ
verdict-note = ملاحظة (اختيارية)
verdict-save = حفظ الحكم
cap-message = رسالة CAP رقم { $num }

## المستشعرات
sensor = المستشعر
sensor-adapter = النوع
sensor-health = الحالة
sensor-last-reading = آخر قراءة
sensor-since = صامت منذ
sensor-period = الدورة
sensor-readings = القراءات
sensor-late = متأخرة
sensor-duplicates = مكررة وإعادات ضبط
sensor-refused = إرسالات مرفوضة
health-live = يعمل
health-stale = صامت
never = أبدًا
seconds-ago = { $s } ث
period-s = { $s } ث

## صفحة المنطقة
chart-axis-note = الأوقات: باريس (السطر الأعلى) والدار البيضاء (السطر الأسفل).
chart-last-30-min = آخر 30 دقيقة
chart-today = اليوم (منذ منتصف الليل بتوقيت باريس)
chart-occupancy = الإشغال (أشخاص)
chart-density = الكثافة (شخص/م²)
chart-los = مستوى الخدمة
chart-flow = التدفق عبر البوابات (شخص/دقيقة)
chart-pressure = ضغط الحشد (1/ث²)
threshold-raise = تنبيه عند { $value }
threshold-clear = انتهاء عند { $value }
no-data = لا توجد بيانات
day-bad-date = هذا ليس يومًا: اكتب التاريخ بالصيغة YYYY-MM-DD.
day-not-begun = هذا اليوم لم يبدأ بعد: يغطي التقرير الأيام حتى اليوم (بالتوقيت العالمي).
day-today = تقرير اليوم

## forecast
nav-forecast = التوقع
forecast-title = التوقع: الدقائق العشر القادمة
forecast-model-note = نموذج شبكي للموقع (انتقال بين الخلايا عبر المناطق والبوابات)، انطلاقًا من الإشغال والتدفقات المباشرة، يُعاد حسابه كل 5 ثوانٍ. هذا توقع وليس قياسًا.
forecast-zone-title = التوقع: الدقائق العشر القادمة
forecast-off = لا يوجد توقع لهذا الموقع: بواباته لا تربط مناطقه في شبكة.
forecast-pending = يجري حساب التوقع الأول.
forecast-computed = حُسب في { $time }
forecast-what-if-link = ماذا لو…؟ (إغلاق بوابة، إخلاء منطقة)
forecast-reached-now = بُلغ الآن
forecast-reached-in = بعد { $min } د { $sec } ث ({ $time })
forecast-not-within = ليس خلال الدقائق الـ{ $min } القادمة
forecast-los-e = مستوى الخدمة E (ابتداءً من { $value } شخص/م²)
forecast-rule = القاعدة { $rule } ({ $value } شخص/م²)
forecast-none = –
forecast-seconds = { $s } ث
forecast-chart-label = توقع ({ $min } د)
forecast-col-zone = المنطقة
forecast-col-now = الكثافة الآن (شخص/م²)
forecast-col-peak = الذروة (شخص/م²)
forecast-col-los-e = بلوغ المستوى E
forecast-col-above = المدة في E أو F
forecast-col-clear = تفرغ بعد
forecast-queue = { $gate }: { $persons } شخصًا في الانتظار بعد 10 دقائق
forecast-queues = طوابير الانتظار عند البوابات
forecast-unknown = غير معروف للتوقع (اعتُبر صفرًا أو غير مقيس)
what-if-title = ماذا لو…؟
what-if-help = اختر تغييرًا وشاهد، منطقة بمنطقة، ما يغيّره مقارنةً بعدم فعل شيء خلال الدقائق العشر القادمة. لا يتغير شيء في الموقع.
what-if-not-allowed = دورك يطّلع على التوقع؛ سيناريوهات «ماذا لو» مخصصة للقادة والمشغلين والمحللين والمدربين والمسؤولين.
what-if-kind = التغيير
what-if-kind-choose = اختر…
what-if-close = إغلاق بوابة
what-if-open = فتح بوابة مغلقة
what-if-hold = إبقاء بوابة مغلقة لمدة
what-if-evacuate = إخلاء منطقة
what-if-target = بوابة أو منطقة
what-if-target-choose = اختر…
what-if-gates = البوابات
what-if-zones = المناطق
what-if-seconds = مدة الإغلاق (ث)
what-if-submit = احسب
what-if-result = مع { $change }، مقارنةً بعدم فعل شيء
what-if-col-peak = كثافة الذروة (شخص/م²)
what-if-col-above = المدة في E أو F (ث)
what-if-col-above-f = المدة في F (ث)
what-if-col-clear = تفرغ بعد
what-if-queue = { $gate }: { $base } ← { $persons } شخصًا في الانتظار بعد 10 دقائق
what-if-error-kind = اختر تغييرًا.
what-if-error-target = اختر بوابة أو منطقة.
what-if-error-unknown-gate = لا توجد بهذا الموقع بوابة كهذه: اختر واحدة من القائمة.
what-if-error-unknown-zone = لا توجد بهذا الموقع منطقة كهذه: اختر واحدة من القائمة (الإخلاء للمناطق فقط).
what-if-error-seconds = اكتب مدة الإغلاق بالثواني، عددًا صحيحًا من 1 إلى 86400.
what-if-change = { $change }: { $target }
what-if-change-hold = { $change }: { $target }، { $s } ث
forecast-unknown-occupancy = المنطقة { $id }: الإشغال غير معروف
forecast-unknown-flow = البوابة { $id }: التدفق غير مقيس
forecast-unknown-stale = المستشعر { $id }: صامت منذ مدة طويلة
forecast-band-stale = المنطقة المظللة: المدى الممكن للتوقع، إذ إن المستشعرات { $sensors } صامتة منذ { $seconds } ث على الأقل.
forecast-band-missing = المنطقة المظللة: المدى الممكن للتوقع، إذ إن بعض مدخلاته غير مقيسة.

## التمارين (docs/serve.md §2.13، docs/exercise.md)
nav-exercises = التمارين
exercise-banner = تمرين { $name }: كل ما يظهر في هذه الصفحات تابع للتمرين، ولا شيء منه حقيقي.
exercise-leave = مغادرة التمرين
exercise-join = انضمام
exercise-joined = منضم
exercises-title = التمارين
exercises-none = لا يوجد أي تمرين على هذا الخادم. ينشئ المدرب تمرينًا من مكتبة قوائم الأحداث أدناه، أو بالأمر aman exercise run.
exercise-col-name = التمرين
exercise-col-state = الحالة
exercise-col-time = وقت السيناريو
exercise-col-speed = السرعة
exercise-col-delivered = المدخلات المُسلَّمة
exercise-state-ready = جاهز
exercise-state-running = جارٍ
exercise-state-paused = متوقف مؤقتًا
exercise-state-ended = منتهٍ
exercise-start = بدء
exercise-pause = إيقاف مؤقت
exercise-resume = استئناف
exercise-end = إنهاء (ENDEX)
exercise-set-speed = تغيير السرعة
exercise-skip = التقدم إلى
exercise-skip-to = وقت السيناريو (دد:ثث)
exercise-controls = إدارة التمرين
exercise-injects = المدخلات
exercise-inject-at = الوقت
exercise-inject-kind = النوع
exercise-inject-to = إلى
exercise-inject-text = المُدخَل
exercise-inject-expected = الإجراء المتوقع
exercise-report-link = تقرير ما بعد التمرين
exercise-error-speed = أدخل سرعة من 0.1 إلى 100.
exercise-error-skip = أدخل وقتًا للسيناريو بعد الوقت الحالي، بصيغة دد:ثث.
exercise-new = تمرين جديد من مكتبة قوائم الأحداث
exercise-new-msel = قائمة الأحداث الرئيسية (MSEL)
exercise-new-id = المعرّف (اختياري)
exercise-new-name = الاسم (لقائمة CSV فقط، اختياري)
exercise-new-help = يحاكي الخادم أولًا مدخلات الحشود في القائمة، وقد يستغرق ذلك دقيقة. يصبح التمرين بعدها جاهزًا: ابدأه من صفحته.
exercise-new-submit = إعداد التمرين
exercise-library-entry = { $name } · { $key } · المدخلات: { $injects }، الحشود: { $crowd }
exercise-library-empty = لا تحتوي المكتبة على أي قائمة أحداث لهذا الموقع.
exercise-library-other = في المكتبة، لمواقع أخرى
exercise-library-other-venue = { $name } · { $key }: للموقع { $venue }
exercise-error-msel = اختر قائمة أحداث من المكتبة.
exercise-error-other-venue = هذه القائمة للموقع { $venue }، لا للموقع الذي يراقبه هذا الخادم.
exercise-error-id = من 1 إلى 40 حرفًا: a إلى z و0 إلى 9 والشرطة (لا في البداية).
exercise-error-id-taken = يوجد تمرين بهذا المعرّف: أدخل معرّفًا آخر، أو اتركه فارغًا.
exercise-error-name-toml = قائمة TOML تسمّي تمرينها بنفسها؛ الاسم لقائمة CSV فقط.
exercise-error-busy = يجري إعداد تمرين آخر: أعد المحاولة بعد دقيقة.
exercise-error-escapes = المُدخَل { $inject }: ملف السيناريو الخاص به خارج مجلد المكتبة؛ لم يُقرأ أي شيء.
exercise-error-scenario = المُدخَل { $inject }: تتعذّر محاكاة السيناريو الخاص به على هذا الموقع ({ $reason }).
exercise-error-unfit = هذه القائمة لا تناسب هذا الخادم ({ $reason }).
exercise-error-no-library = لا توجد لدى هذا الخادم مكتبة قوائم أحداث: يجب تشغيله مع الخيار --exercises DIR (مجلد ملفات MSEL). أو أنشئ التمرين بالأمر aman exercise run.
aar-title = تقرير ما بعد التمرين: { $name }
aar-made = أُعدّ التقرير في { $time }
aar-inject = المُدخَل
aar-planned = المخطط
aar-delivered = التسليم
aar-to-ack = حتى الإقرار
aar-to-incident = حتى فتح حادث
aar-to-task = حتى تكليف وحدة
aar-expected = الإجراء المتوقع
aar-actual = ما فعله المشاركون
aar-never = أبدًا
aar-seconds = { $s } ث
aar-alerts = تنبيهات التمرين
aar-no-alerts = لم يُطلق أي تنبيه.
aar-no-actions = لا إجراء.
measure-inject = مُدخَل تمرين (CAP)
aar-kind-acknowledged = أقرّ بالتنبيه
aar-kind-opened_incident = فتح حادثًا
aar-kind-tasked_unit = كلّف وحدة بمهمة
aar-kind-other = إجراء آخر
exercise-kind-message = رسالة
exercise-kind-incident = حادث
exercise-kind-cap = تنبيه CAP
exercise-kind-crowd = حشد (محاكى)
exercise-inject-from = المرسل (الوسيلة)
exercise-method-message = رسالة
exercise-method-phone = هاتف
exercise-method-radio = لاسلكي
exercise-method-email = بريد إلكتروني
exercise-method-in_person = حضوريًا
exercise-method-system = النظام
inject-pops = المدخلات الواردة
inject-pop-route = { $from } ← { $to }
inject-pop-dismiss = إغلاق

## لوحة القيادة: العمليات المشتركة (الحوادث، الوحدات، المهام)
nav-incidents = الحوادث
nav-units = الوحدات
vis-shared = مشترك
vis-restricted = مقيّد
incidents-listed = { $n ->
    [zero] لا توجد حوادث معروضة
    [one] حادث واحد معروض
    [two] حادثان معروضان
    [few] { $n } حوادث معروضة
    [many] { $n } حادثًا معروضًا
   *[other] { $n } حادث معروض
}
units-listed = { $n ->
    [zero] لا توجد وحدات معروضة
    [one] وحدة واحدة معروضة
    [two] وحدتان معروضتان
    [few] { $n } وحدات معروضة
    [many] { $n } وحدةً معروضةً
   *[other] { $n } وحدة معروضة
}
inc-none = لا يوجد أي حادث.
unit-none = لا توجد أي وحدة.
inc-new = حادث جديد
inc-create = إنشاء الحادث
inc-edit = تعديل الحادث
inc-save = حفظ التعديلات
inc-id = الحادث
inc-title = العنوان
inc-major = أُعلن حادثًا كبيرًا
inc-location = الموقع الدقيق
inc-zone = المنطقة
inc-point = نقطة، إن لم تُحدَّد منطقة (بالأمتار)
inc-point-instead = — نقطة، أدناه —
inc-x = x (م)
inc-y = y (م)
inc-kind = نوع الحادث
inc-hazards = المخاطر القائمة والمحتملة
inc-access = طرق الوصول
inc-rendezvous = نقطة التجمع
inc-casualties = الإصابات
inc-immediate = P1 فورية
inc-urgent = P2 عاجلة
inc-delayed = P3 مؤجلة
inc-dead = الوفيات
inc-services-present = خدمات الطوارئ الحاضرة
inc-services-required = خدمات الطوارئ المطلوبة
inc-situation = الوضع
inc-objectives = الأهداف
inc-actions = الإجراءات
inc-shared = مشترك مع القيادة المشتركة
inc-agency = الجهاز
inc-updated = آخر تحديث
inc-created = أُنشئ
inc-version = النسخة
inc-yes = نعم
inc-no = لا
inc-point-at = x { $x } م، y { $y } م
inc-status-reported = مُبلَّغ عنه
inc-status-confirmed = مؤكَّد
inc-status-responding = قيد التدخل
inc-status-contained = تحت السيطرة
inc-status-closed = مُغلق
inc-status-to = الانتقال إلى
inc-share = مشاركة مع القيادة المشتركة
inc-from-alert = ناتج عن التنبيه
inc-tasks = المهام
inc-no-tasks = لا توجد مهام بعد.
inc-timeline = التسلسل الزمني
inc-ics201 = إحاطة الحادث ICS-201
inc-by = بواسطة
inc-what = ماذا
inc-from-alert-title = التنبيه { $alert }: { $rule } في { $subject }
inc-from-alert-kind = كثافة الحشد
inc-from-alert-situation = فُتح من التنبيه { $alert } بشأن { $subject } في { $time } (خطورة CAP { $severity }، الحالة { $status })؛ { $figures }.
inc-from-alert-figures = القاعدة { $rule } ({ $measure }): تُطلق عند ≥ { $raise }، وتُرفع دون { $clear }، بعد ثبات { $hold } ث
inc-from-alert-rule = القاعدة { $rule }
ics201-title = ICS 201 — إحاطة الحادث
ics201-name = 1. اسم الحادث
ics201-number = 2. رقم الحادث
ics201-initiated = 3. تاريخ ووقت الفتح
ics201-map = 4. خريطة أو رسم (الموقع)
ics201-situation = 5. ملخص الوضع وإحاطة الصحة والسلامة
ics201-status-severity = الحالة / الخطورة
ics201-access-rendezvous = طرق الوصول / نقطة التجمع
ics201-casualties = الإصابات (P1 فورية، P2 عاجلة، P3 مؤجلة، وفيات)
ics201-services = خدمات الطوارئ الحاضرة / المطلوبة
ics201-prepared = 6. أعدّه
ics201-objectives = 7. الأهداف الحالية والمخطط لها
ics201-actions = 8. الإجراءات الحالية والمخطط لها
ics201-organisation = 9. التنظيم الحالي
ics201-owning-agency = الجهاز المسؤول: { $agency }
ics201-resources = 10. ملخص الموارد
ics201-resource = المورد
ics201-resource-id = معرّف المورد
ics201-ordered = تاريخ ووقت التكليف
ics201-arrived = الوصول
ics201-notes = ملاحظات (المهمة، الحالة)
ics214-title = ICS 214 — سجل النشاط
ics214-incidents = 1. اسم الحادث
ics214-period = 2. الفترة العملياتية
ics214-name = 3. الاسم (رمز نداء الوحدة)
ics214-position = 4. منصب ICS (القائد)
ics214-agency = 5. الجهاز الأصلي (والوحدة)
ics214-resources = 6. الموارد المخصصة
ics214-log = 7. سجل النشاط
ics214-time = التاريخ والوقت
ics214-activities = الأنشطة البارزة
ics214-prepared = 8. أعدّه
act-reported = مُبلَّغ عنه
act-from-alert = فُتح من التنبيه { $alert }
act-edited = عُدّلت الحقول
act-status = الحالة { $from } ← { $to }
act-shared = شورك مع القيادة المشتركة
act-unit-created = أُنشئت الوحدة { $unit }، { $status }
act-position-zone = الموقع: المنطقة { $zone }
act-position-point = الموقع: x { $x } م، y { $y } م
act-position-none = الموقع غير معروف
act-call-sign = رمز النداء { $from } ← { $to }
act-details = عُدّلت التفاصيل
act-no-change = لا تغيير
act-task-assigned = كُلّفت { $unit } في الحادث { $incident } ({ $task })
act-task-state = { $unit } في الحادث { $incident } ({ $task }): { $state }
task-unit = الوحدة
task-description = المهمة
task-state = الحالة
task-create = إسناد المهمة
task-to = الانتقال إلى
task-state-assigned = مُسندة
task-state-accepted = مقبولة
task-state-en_route = في الطريق
task-state-on_scene = في الموقع
task-state-done = منجزة
task-state-cancelled = ملغاة
task-choose-unit = اختر وحدة
unit-new = وحدة جديدة
unit-create = إنشاء الوحدة
unit-call-sign = رمز النداء
unit-kind = النوع
unit-position = الموقع
unit-none-position = —
unit-leader = القائد
unit-resources = الموارد
unit-ics214 = سجل النشاط ICS-214
unit-csv = CSV
unit-set-status = تغيير
unit-kind-foot_patrol = دورية راجلة
unit-kind-mounted = خيّالة
unit-kind-vehicle = مركبة
unit-kind-medical = إسعاف طبي
unit-kind-fire = إطفاء
unit-kind-stewards = منظمون
unit-kind-command = قيادة
unit-kind-other = أخرى
unit-status-available = متاحة
unit-status-assigned = مُكلَّفة
unit-status-en_route = في الطريق
unit-status-on_scene = في الموقع
unit-status-out_of_service = خارج الخدمة
alert-open-incident = فتح حادث
form-error-field = { $field }: { $problem }
form-error-required = هذا الحقل إلزامي.
form-error-number = أدخل عددًا صحيحًا من 0 إلى 100000.
form-error-point = أدخل x وy بالأمتار، أو اختر منطقة.
form-error-text = طويل جدًا، أو يحتوي على أحرف تحكم.
form-error-transition = هذا التغيير غير مسموح به من الحالة الحالية.
form-error-task-refused = لا يمكن إسناد مهمة لهذه الوحدة في هذا الحادث (مُغلق، أو مقيّد والوحدة تابعة للجهاز الآخر).
form-error-not-yours = لا يعدّل الوحدةَ إلا جهازُها؛ أسند إليها مهمة بدلًا من ذلك.
form-error-stale = لم يُحفظ: عدّله { $who } في { $time } (النسخة الآن { $version }). قيمك محفوظة أدناه: راجعها ثم أرسلها من جديد.
