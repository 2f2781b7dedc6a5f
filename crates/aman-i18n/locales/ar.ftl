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
