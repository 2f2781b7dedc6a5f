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
