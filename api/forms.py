from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ColleagueChoiceField
from customers.selectors import sales_team


class TokenCreateForm(forms.Form):
    """A new token: what it is for, and the colleague it acts as (it sees what they see)."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use it: the shop's till, a script...")
    )
    user = ColleagueChoiceField(
        label=_("Acts as"),
        queryset=sales_team(),
        help_text=_("It sees and changes what this colleague may: a rep's token only their own customers."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = sales_team()
