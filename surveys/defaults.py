"""Default wording of the two built-in surveys (managers can edit it later)."""

COMMON = {
    "nps_question_fa": "چقدر احتمال دارد ما را به یک دوست یا همکار پیشنهاد کنید؟",
    "nps_question_en": "How likely are you to recommend us to a friend?",
    "reason_question_fa": "دلیل اصلی امتیازی که دادید چیست؟",
    "reason_question_en": "What is the main reason for your score?",
    "intent_question_fa": "آیا دوباره از ما خرید می‌کنید؟",
    "intent_question_en": "Will you buy from us again?",
    "improvements_question_fa": "سه چیزی که باید بهتر کنیم چیست؟",
    "improvements_question_en": "What three things should we improve?",
    "referral_question_fa": "آیا کسی را به ما معرفی می‌کنید؟",
    "referral_question_en": "Would you introduce someone to us?",
    "thanks_fa": "از وقتی که گذاشتید سپاسگزاریم.",
    "thanks_en": "Thank you for your time.",
}

BUILTIN_SURVEYS = [
    {
        "kind": "relationship",
        "email_subject_fa": "نظر شما برای ما مهم است",
        "email_subject_en": "How are we doing?",
        "intro_fa": "با یک لمس به ما بگویید چقدر از ما راضی هستید.",
        "intro_en": "Tell us in one tap how happy you are with us.",
        **COMMON,
    },
    {
        "kind": "post_contact",
        "ask_intent": False,
        "ask_improvements": False,
        "ask_referral": False,
        "email_subject_fa": "تماس امروز ما چطور بود؟",
        "email_subject_en": "How was our call today?",
        "intro_fa": "به تماس اخیر ما با یک لمس امتیاز دهید.",
        "intro_en": "Rate our recent call in one tap.",
        **COMMON,
    },
]


def defaults_for(kind: str) -> dict:
    return next(fields for fields in BUILTIN_SURVEYS if fields["kind"] == kind)
