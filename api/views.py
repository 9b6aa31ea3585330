"""The API's endpoints under /api/v1/: thin callers of the business apps' selectors and services.

The role rules are the pages': a token acts as one colleague; a rep's token sees their own
customers and what hangs off them, and anything else is a 404 (never a 403: existence is not
told); a manager's sees everyone.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.base import MAX_ID, ApiViewMixin
from api.naming import customers_named
from api.schema import ERROR
from api.serializers import (
    CallCompleteSerializer,
    CallSerializer,
    CallsFilterSerializer,
    CustomerFilterSerializer,
    CustomerSerializer,
    CustomerWriteSerializer,
    PurchaseBatchResultSerializer,
    PurchaseItemSerializer,
    PurchaseSerializer,
    SurveyResponseFilterSerializer,
    SurveyResponseSerializer,
    as_api_errors,
)
from core.numbers import format_number
from core.roles import is_manager
from customers import services as customer_services
from customers.models import Customer, Purchase, Segment
from customers.selectors import customer_get_for, sales_team
from followups import services as followup_services
from followups.models import FollowUp
from followups.selectors import followup_get_for, followup_row_for, followups_due_for
from followups.services import escalation_cutoff
from surveys.models import SurveyResponse

# One request adds at most this many purchases (one INSERT per thousand in purchases_add_batch).
BATCH_LIMIT = 1000


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _query(serializer_class, request) -> dict:
    """The validated query parameters (400 with the reasons when they are not)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _pk(value) -> int:
    pk = int(value)
    if pk > MAX_ID:
        raise exceptions.NotFound
    return pk


@extend_schema_view(
    list=extend_schema(summary="Customers", parameters=[CustomerFilterSerializer]),
    retrieve=extend_schema(summary="One customer"),
    create=extend_schema(summary="Add a customer", request=CustomerWriteSerializer, responses=CustomerSerializer),
    update=extend_schema(summary="Change a customer", request=CustomerWriteSerializer, responses=CustomerSerializer),
    partial_update=extend_schema(
        summary="Change some of a customer's fields", request=CustomerWriteSerializer, responses=CustomerSerializer
    ),
    purchases=extend_schema(summary="A customer's purchases, newest first", responses=PurchaseSerializer(many=True)),
)
class CustomerViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Customers the token's colleague may see. A customer needs a customer ID, a phone or an email."""

    serializer_class = CustomerSerializer
    queryset = Customer.objects.none()  # for the schema's path types; every read goes through the selectors

    def list(self, request):
        customers = selectors.customers_for(user=request.user, **_query(CustomerFilterSerializer, request))
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(CustomerSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(CustomerSerializer(customer_get_for(user=request.user, pk=_pk(pk))).data)

    def create(self, request):
        # A rep's new customer is theirs; a manager's is nobody's until they name an owner (as on the page).
        customer = Customer(source=Customer.Source.API, owner=None if is_manager(request.user) else request.user)
        customer = self._save(request, customer, partial=False)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk, partial=False):
        customer = self._save(request, customer_get_for(user=request.user, pk=_pk(pk)), partial=partial)
        return Response(CustomerSerializer(customer).data)

    def partial_update(self, request, pk):
        return self.update(request, pk, partial=True)

    @action(detail=True, methods=["get"])
    def purchases(self, request, pk):
        customer = customer_get_for(user=request.user, pk=_pk(pk))
        page = self.paginate_queryset(selectors.purchases_of(customer))
        return self.get_paginated_response(PurchaseSerializer(page, many=True).data)

    def _save(self, request, customer: Customer, *, partial: bool) -> Customer:
        """The sent fields onto ``customer``, through ``customers.services.customer_save``."""
        fields = CustomerWriteSerializer(data=request.data, partial=partial)
        fields.is_valid(raise_exception=True)
        values, errors = dict(fields.validated_data), {}
        if "phone" in values:
            values["mobile"] = values.pop("phone")
        for name, find in (("segment", _segment), ("owner", _owner)):
            if name in values:
                try:
                    values[name] = find(request.user, values[name])
                except serializers.ValidationError as error:
                    errors[name] = error.detail
        if errors:
            raise serializers.ValidationError(errors)
        for name, value in values.items():
            setattr(customer, name, value)
        try:
            return customer_services.customer_save(customer=customer)
        except DjangoValidationError as error:
            raise as_api_errors(error, {"mobile": "phone"}) from error
        except IntegrityError as error:  # another request took the phone or customer ID after the check
            refused = _constraint_error(customer.validate_constraints, {"mobile": "phone"})
            if refused is None:
                raise
            raise refused from error


def _constraint_error(validate, renames: dict) -> serializers.ValidationError | None:
    """What a database constraint refused, said as the model says it (checked again, now that the
    other row exists); None when the model's constraints see nothing wrong."""
    try:
        validate()
    except DjangoValidationError as error:
        return as_api_errors(error, renames)
    return None


def _segment(user, pk: int | None) -> Segment | None:
    if pk is None:
        return None
    segment = Segment.objects.filter(pk=pk).first()
    if segment is None:
        raise serializers.ValidationError([_("No segment has this id.")])
    return segment


def _owner(user, pk: int | None):
    """Managers choose the owner (an active colleague, or nobody); a rep's customers stay theirs."""
    if not is_manager(user):
        if pk != user.pk:
            raise serializers.ValidationError([_("Only a manager chooses the owner.")])
        return user
    if pk is None:
        return None
    owner = sales_team().filter(pk=pk).first()
    if owner is None:
        raise serializers.ValidationError([_("Choose an active colleague: a sales rep or a manager.")])
    return owner


@extend_schema_view(
    create=extend_schema(summary="Add a purchase", request=PurchaseItemSerializer, responses=PurchaseSerializer),
    bulk=extend_schema(
        summary="Add up to 1,000 purchases at once",
        description=(
            "All or nothing: when any item is not valid, the answer is 400 with each bad item's errors under "
            'its index (`{"errors": {"3": {"amount": [...]}}}`) and nothing is written. A purchase whose '
            "customer already has its invoice number is not written again, so a batch sent twice writes nothing."
        ),
        request=PurchaseItemSerializer(many=True),
        responses={
            201: OpenApiResponse(PurchaseBatchResultSerializer, description="Some purchases were written."),
            200: OpenApiResponse(PurchaseBatchResultSerializer, description="Every purchase was already there."),
        },
    ),
)
class PurchaseViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Purchases of the customers the token's colleague may see. Amounts are whole Rials."""

    serializer_class = PurchaseSerializer
    queryset = Purchase.objects.none()

    def create(self, request):
        item = PurchaseItemSerializer(data=request.data)
        item.is_valid(raise_exception=True)
        (customer_id,), errors = customers_named([item.validated_data], user=request.user)
        if errors:
            raise serializers.ValidationError(errors[0])
        values = item.validated_data
        fields = {
            "customer": Customer.objects.get(pk=customer_id),
            "purchased_on": values["purchased_on"],
            "amount": values["amount"],
            "reference": values["invoice_number"],
            "note": values["note"],
        }
        # The purchase's one form-wide rule is its invoice number, unique per customer (the amount and the
        # date were checked above): said beside the invoice number.
        renames = {"reference": "invoice_number", "__all__": "invoice_number"}
        try:
            purchase = customer_services.purchase_add(**fields)
        except DjangoValidationError as error:
            raise as_api_errors(error, renames) from error
        except IntegrityError as error:  # the same invoice sent twice at once: the second one says so
            refused = _constraint_error(Purchase(**fields).validate_constraints, renames)
            if refused is None:
                raise
            raise refused from error
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def bulk(self, request):
        items = self._items(request.data)
        found, errors = customers_named(items, user=request.user)
        errors = _batch_duplicates(items, found, errors)
        if errors:
            raise serializers.ValidationError({str(index): errors[index] for index in sorted(errors)})
        purchases = [
            Purchase(
                customer_id=customer_id,
                purchased_on=item["purchased_on"],
                amount=item["amount"],
                reference=item["invoice_number"],
                note=item["note"],
            )
            for item, customer_id in zip(items, found, strict=True)
        ]
        written = customer_services.purchases_add_batch(purchases=purchases)
        result = {"received": len(purchases), "created": len(written), "already_there": len(purchases) - len(written)}
        return Response(result, status=status.HTTP_201_CREATED if written else status.HTTP_200_OK)

    @staticmethod
    def _items(data) -> list[dict]:
        """Every item checked before anything is looked up: the errors of all of them at once."""
        if not isinstance(data, list):
            raise serializers.ValidationError({"non_field_errors": [_("Send a list of purchases.")]})
        if not data:
            raise serializers.ValidationError({"non_field_errors": [_("Send at least one purchase.")]})
        if len(data) > BATCH_LIMIT:
            message = _("Send at most %(n)s purchases in one request.") % {"n": format_number(BATCH_LIMIT)}
            raise serializers.ValidationError({"non_field_errors": [message]})
        # One list serializer: its fields are built once for the batch, not once per item (that was
        # most of a request's time); the items' customers and invoice numbers are then looked up set-based.
        batch = PurchaseItemSerializer(data=data, many=True, context={"today": timezone.localdate()})
        if not batch.is_valid():  # a list serializer's errors: a dict by item index
            raise serializers.ValidationError({str(index): errors for index, errors in batch.errors.items()})
        return batch.validated_data


def _batch_duplicates(items: list[dict], found: list[int | None], errors: dict) -> dict:
    """An invoice number twice in one batch for the same customer is a mistake in the batch, said on the second."""
    seen: dict[tuple[int, str], int] = {}
    for index, (item, customer_id) in enumerate(zip(items, found, strict=True)):
        invoice = item["invoice_number"]
        if customer_id is None or not invoice:
            continue
        if (customer_id, invoice) in seen:
            errors.setdefault(index, {})["invoice_number"] = [
                _("This invoice number is already in this batch for the same customer.")
            ]
        seen.setdefault((customer_id, invoice), index)
    return errors


@extend_schema_view(
    list=extend_schema(
        summary="Calls due",
        description=(
            "The calls-due list of a day: pending calls due by then (overdue first by rank), highest rank first, "
            "each with its customer, why it is due and how it got its rank."
        ),
        parameters=[CallsFilterSerializer],
    )
)
class CallsDueViewSet(ApiViewMixin, viewsets.GenericViewSet):
    serializer_class = CallSerializer
    queryset = FollowUp.objects.none()

    def list(self, request):
        query = _query(CallsFilterSerializer, request)
        day = query.get("day") or timezone.localdate()
        rep = self._rep(request.user, query.get("rep", ""))
        page = self.paginate_queryset(followups_due_for(day=day, rep=rep))
        context = {"day": day, "escalate_before": escalation_cutoff(day)}
        return self.get_paginated_response(CallSerializer(page, many=True, context=context).data)

    @staticmethod
    def _rep(user, value: str):
        """Whose calls: one's own; a manager may ask for a colleague's or (``all``) the team's."""
        if not value or not is_manager(user):
            return user
        if value == "all":
            return None
        colleague = sales_team().filter(pk=int(value)).first() if value.isdigit() and len(value) <= 18 else None
        if colleague is None:
            raise serializers.ValidationError({"rep": [_("No colleague has this id.")]})
        return colleague


@extend_schema_view(
    complete=extend_schema(
        summary="Log a call's outcome",
        description="Closes the call (it goes on the customer's timeline; a plan's next call is scheduled).",
        request=CallCompleteSerializer,
        responses={200: CallSerializer, 409: OpenApiResponse(ERROR, description="The call was already closed.")},
    )
)
class FollowUpViewSet(ApiViewMixin, viewsets.GenericViewSet):
    serializer_class = CallSerializer
    queryset = FollowUp.objects.none()

    @action(detail=True, methods=["post"])
    def complete(self, request, pk):
        followup = followup_get_for(user=request.user, pk=_pk(pk))
        values = CallCompleteSerializer(data=request.data)
        values.is_valid(raise_exception=True)
        try:
            followup_services.followup_complete(
                followup=followup,
                outcome=values.validated_data["outcome"],
                note=values.validated_data["note"],
                by=request.user,
            )
        except DjangoValidationError as error:
            if getattr(error, "code", None) == "closed":
                raise Conflict(error.messages[0]) from error
            raise as_api_errors(error) from error
        day = timezone.localdate()
        row = followup_row_for(user=request.user, pk=followup.pk, day=day)
        return Response(CallSerializer(row, context={"day": day, "escalate_before": escalation_cutoff(day)}).data)


@extend_schema_view(
    list=extend_schema(summary="Survey answers, newest first", parameters=[SurveyResponseFilterSerializer]),
    retrieve=extend_schema(summary="One survey answer"),
)
class SurveyResponseViewSet(ApiViewMixin, viewsets.GenericViewSet):
    serializer_class = SurveyResponseSerializer
    queryset = SurveyResponse.objects.none()

    def list(self, request):
        responses = selectors.survey_responses_for(user=request.user, **_query(SurveyResponseFilterSerializer, request))
        page = self.paginate_queryset(responses)
        return self.get_paginated_response(SurveyResponseSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        response = get_object_or_404(selectors.survey_responses_for(user=request.user), pk=_pk(pk))
        return Response(SurveyResponseSerializer(response).data)


@extend_schema(exclude=True)
class NotFoundView(ApiViewMixin, APIView):
    """No endpoint at this address (a path ends with a slash: /api/v1/customers/)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound

    post = put = patch = delete = get
