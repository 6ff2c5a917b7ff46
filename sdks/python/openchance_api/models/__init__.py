"""Contains all the data models used in inputs/outputs"""

from .applicant_output import ApplicantOutput
from .applicant_request import ApplicantRequest
from .application import Application
from .application_create_request import ApplicationCreateRequest
from .application_create_request_metadata import ApplicationCreateRequestMetadata
from .application_item import ApplicationItem
from .application_item_metadata import ApplicationItemMetadata
from .application_list import ApplicationList
from .application_messages_create_fields_item import ApplicationMessagesCreateFieldsItem
from .application_messages_list_author import ApplicationMessagesListAuthor
from .application_messages_list_expand_item import ApplicationMessagesListExpandItem
from .application_messages_list_fields_item import ApplicationMessagesListFieldsItem
from .application_messages_list_ordering import ApplicationMessagesListOrdering
from .application_metadata import ApplicationMetadata
from .application_object_enum import ApplicationObjectEnum
from .application_status_enum import ApplicationStatusEnum
from .applications_accept_fields_item import ApplicationsAcceptFieldsItem
from .applications_list_expand_item import ApplicationsListExpandItem
from .applications_list_fields_item import ApplicationsListFieldsItem
from .applications_list_metadata import ApplicationsListMetadata
from .applications_list_ordering import ApplicationsListOrdering
from .applications_list_status_item import ApplicationsListStatusItem
from .applications_reject_fields_item import ApplicationsRejectFieldsItem
from .applications_retrieve_expand_item import ApplicationsRetrieveExpandItem
from .applications_retrieve_fields_item import ApplicationsRetrieveFieldsItem
from .applications_shortlist_fields_item import ApplicationsShortlistFieldsItem
from .applications_update_fields_item import ApplicationsUpdateFieldsItem
from .applications_withdraw_fields_item import ApplicationsWithdrawFieldsItem
from .batch_object_enum import BatchObjectEnum
from .batch_operation_request import BatchOperationRequest
from .batch_operation_request_body_type_0 import BatchOperationRequestBodyType0
from .batch_operation_result import BatchOperationResult
from .batch_request import BatchRequest
from .batch_result import BatchResult
from .billing_settings import BillingSettings
from .billing_settings_object_enum import BillingSettingsObjectEnum
from .challenge import Challenge
from .challenge_applications_create_fields_item import (
    ChallengeApplicationsCreateFieldsItem,
)
from .challenge_applications_list_expand_item import ChallengeApplicationsListExpandItem
from .challenge_applications_list_fields_item import ChallengeApplicationsListFieldsItem
from .challenge_applications_list_metadata import ChallengeApplicationsListMetadata
from .challenge_applications_list_ordering import ChallengeApplicationsListOrdering
from .challenge_applications_list_status_item import ChallengeApplicationsListStatusItem
from .challenge_category_enum import ChallengeCategoryEnum
from .challenge_create_request import ChallengeCreateRequest
from .challenge_create_request_metadata import ChallengeCreateRequestMetadata
from .challenge_item import ChallengeItem
from .challenge_item_metadata import ChallengeItemMetadata
from .challenge_list import ChallengeList
from .challenge_metadata import ChallengeMetadata
from .challenge_object_enum import ChallengeObjectEnum
from .challenge_status_enum import ChallengeStatusEnum
from .challenges_award_fields_item import ChallengesAwardFieldsItem
from .challenges_cancel_fields_item import ChallengesCancelFieldsItem
from .challenges_close_fields_item import ChallengesCloseFieldsItem
from .challenges_create_fields_item import ChallengesCreateFieldsItem
from .challenges_list_category_item import ChallengesListCategoryItem
from .challenges_list_fields_item import ChallengesListFieldsItem
from .challenges_list_metadata import ChallengesListMetadata
from .challenges_list_ordering import ChallengesListOrdering
from .challenges_list_status_item import ChallengesListStatusItem
from .challenges_publish_fields_item import ChallengesPublishFieldsItem
from .challenges_retrieve_fields_item import ChallengesRetrieveFieldsItem
from .challenges_update_fields_item import ChallengesUpdateFieldsItem
from .credit_note import CreditNote
from .deleted import Deleted
from .estimate import Estimate
from .estimate_object_enum import EstimateObjectEnum
from .estimate_plan import EstimatePlan
from .event import Event
from .event_data import EventData
from .event_data_object import EventDataObject
from .event_list import EventList
from .event_object_enum import EventObjectEnum
from .events_list_ordering import EventsListOrdering
from .invoice import Invoice
from .invoice_line import InvoiceLine
from .invoice_list import InvoiceList
from .invoice_object_enum import InvoiceObjectEnum
from .invoice_status_enum import InvoiceStatusEnum
from .invoices_list_ordering import InvoicesListOrdering
from .invoices_pdf_format import InvoicesPdfFormat
from .kind_enum import KindEnum
from .list_object_enum import ListObjectEnum
from .me import Me
from .me_key import MeKey
from .me_limits import MeLimits
from .me_plan import MePlan
from .me_tenant import MeTenant
from .me_usage import MeUsage
from .message import Message
from .message_author_enum import MessageAuthorEnum
from .message_create_request import MessageCreateRequest
from .message_item import MessageItem
from .message_list import MessageList
from .message_object_enum import MessageObjectEnum
from .messages_list_author import MessagesListAuthor
from .messages_list_expand_item import MessagesListExpandItem
from .messages_list_fields_item import MessagesListFieldsItem
from .messages_list_ordering import MessagesListOrdering
from .messages_retrieve_expand_item import MessagesRetrieveExpandItem
from .messages_retrieve_fields_item import MessagesRetrieveFieldsItem
from .method_enum import MethodEnum
from .mode_enum import ModeEnum
from .patched_application_update_request import PatchedApplicationUpdateRequest
from .patched_application_update_request_metadata import (
    PatchedApplicationUpdateRequestMetadata,
)
from .patched_billing_settings_update_request import PatchedBillingSettingsUpdateRequest
from .patched_challenge_update_request import PatchedChallengeUpdateRequest
from .patched_challenge_update_request_metadata import (
    PatchedChallengeUpdateRequestMetadata,
)
from .patched_webhook_endpoint_update_request import PatchedWebhookEndpointUpdateRequest
from .problem import Problem
from .problem_errors import ProblemErrors
from .provider_enum import ProviderEnum
from .review import Review
from .review_create_request import ReviewCreateRequest
from .review_item import ReviewItem
from .review_list import ReviewList
from .review_object_enum import ReviewObjectEnum
from .reviews_create_fields_item import ReviewsCreateFieldsItem
from .reviews_list_expand_item import ReviewsListExpandItem
from .reviews_list_fields_item import ReviewsListFieldsItem
from .reviews_list_ordering import ReviewsListOrdering
from .reviews_retrieve_expand_item import ReviewsRetrieveExpandItem
from .reviews_retrieve_fields_item import ReviewsRetrieveFieldsItem
from .reward import Reward
from .reward_request import RewardRequest
from .spend_cap_output import SpendCapOutput
from .spend_cap_request import SpendCapRequest
from .subscription import Subscription
from .subscription_object_enum import SubscriptionObjectEnum
from .subscription_spend_cap import SubscriptionSpendCap
from .subscription_status_enum import SubscriptionStatusEnum
from .usage import Usage
from .usage_counts import UsageCounts
from .usage_day import UsageDay
from .usage_key import UsageKey
from .usage_object_enum import UsageObjectEnum
from .usage_route import UsageRoute
from .webhook_attempt import WebhookAttempt
from .webhook_attempt_list import WebhookAttemptList
from .webhook_attempt_object_enum import WebhookAttemptObjectEnum
from .webhook_attempts_list_ordering import WebhookAttemptsListOrdering
from .webhook_deliveries_attempts_ordering import WebhookDeliveriesAttemptsOrdering
from .webhook_deliveries_list_ordering import WebhookDeliveriesListOrdering
from .webhook_deliveries_list_status_item import WebhookDeliveriesListStatusItem
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_list import WebhookDeliveryList
from .webhook_delivery_object_enum import WebhookDeliveryObjectEnum
from .webhook_delivery_status_enum import WebhookDeliveryStatusEnum
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create_request import WebhookEndpointCreateRequest
from .webhook_endpoint_deleted import WebhookEndpointDeleted
from .webhook_endpoint_health import WebhookEndpointHealth
from .webhook_endpoint_health_status_enum import WebhookEndpointHealthStatusEnum
from .webhook_endpoint_list import WebhookEndpointList
from .webhook_endpoint_object_enum import WebhookEndpointObjectEnum
from .webhook_endpoint_recover_request import WebhookEndpointRecoverRequest
from .webhook_endpoint_secret import WebhookEndpointSecret
from .webhook_endpoint_secret_object_enum import WebhookEndpointSecretObjectEnum
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_endpoints_attempts_ordering import WebhookEndpointsAttemptsOrdering
from .webhook_endpoints_deliveries_ordering import WebhookEndpointsDeliveriesOrdering
from .webhook_endpoints_deliveries_status_item import (
    WebhookEndpointsDeliveriesStatusItem,
)
from .webhook_endpoints_list_ordering import WebhookEndpointsListOrdering
from .webhook_recover_result import WebhookRecoverResult
from .webhook_recover_result_object_enum import WebhookRecoverResultObjectEnum

__all__ = (
    "ApplicantOutput",
    "ApplicantRequest",
    "Application",
    "ApplicationCreateRequest",
    "ApplicationCreateRequestMetadata",
    "ApplicationItem",
    "ApplicationItemMetadata",
    "ApplicationList",
    "ApplicationMessagesCreateFieldsItem",
    "ApplicationMessagesListAuthor",
    "ApplicationMessagesListExpandItem",
    "ApplicationMessagesListFieldsItem",
    "ApplicationMessagesListOrdering",
    "ApplicationMetadata",
    "ApplicationObjectEnum",
    "ApplicationStatusEnum",
    "ApplicationsAcceptFieldsItem",
    "ApplicationsListExpandItem",
    "ApplicationsListFieldsItem",
    "ApplicationsListMetadata",
    "ApplicationsListOrdering",
    "ApplicationsListStatusItem",
    "ApplicationsRejectFieldsItem",
    "ApplicationsRetrieveExpandItem",
    "ApplicationsRetrieveFieldsItem",
    "ApplicationsShortlistFieldsItem",
    "ApplicationsUpdateFieldsItem",
    "ApplicationsWithdrawFieldsItem",
    "BatchObjectEnum",
    "BatchOperationRequest",
    "BatchOperationRequestBodyType0",
    "BatchOperationResult",
    "BatchRequest",
    "BatchResult",
    "BillingSettings",
    "BillingSettingsObjectEnum",
    "Challenge",
    "ChallengeApplicationsCreateFieldsItem",
    "ChallengeApplicationsListExpandItem",
    "ChallengeApplicationsListFieldsItem",
    "ChallengeApplicationsListMetadata",
    "ChallengeApplicationsListOrdering",
    "ChallengeApplicationsListStatusItem",
    "ChallengeCategoryEnum",
    "ChallengeCreateRequest",
    "ChallengeCreateRequestMetadata",
    "ChallengeItem",
    "ChallengeItemMetadata",
    "ChallengeList",
    "ChallengeMetadata",
    "ChallengeObjectEnum",
    "ChallengeStatusEnum",
    "ChallengesAwardFieldsItem",
    "ChallengesCancelFieldsItem",
    "ChallengesCloseFieldsItem",
    "ChallengesCreateFieldsItem",
    "ChallengesListCategoryItem",
    "ChallengesListFieldsItem",
    "ChallengesListMetadata",
    "ChallengesListOrdering",
    "ChallengesListStatusItem",
    "ChallengesPublishFieldsItem",
    "ChallengesRetrieveFieldsItem",
    "ChallengesUpdateFieldsItem",
    "CreditNote",
    "Deleted",
    "Estimate",
    "EstimateObjectEnum",
    "EstimatePlan",
    "Event",
    "EventData",
    "EventDataObject",
    "EventList",
    "EventObjectEnum",
    "EventsListOrdering",
    "Invoice",
    "InvoiceLine",
    "InvoiceList",
    "InvoiceObjectEnum",
    "InvoiceStatusEnum",
    "InvoicesListOrdering",
    "InvoicesPdfFormat",
    "KindEnum",
    "ListObjectEnum",
    "Me",
    "MeKey",
    "MeLimits",
    "MePlan",
    "MeTenant",
    "MeUsage",
    "Message",
    "MessageAuthorEnum",
    "MessageCreateRequest",
    "MessageItem",
    "MessageList",
    "MessageObjectEnum",
    "MessagesListAuthor",
    "MessagesListExpandItem",
    "MessagesListFieldsItem",
    "MessagesListOrdering",
    "MessagesRetrieveExpandItem",
    "MessagesRetrieveFieldsItem",
    "MethodEnum",
    "ModeEnum",
    "PatchedApplicationUpdateRequest",
    "PatchedApplicationUpdateRequestMetadata",
    "PatchedBillingSettingsUpdateRequest",
    "PatchedChallengeUpdateRequest",
    "PatchedChallengeUpdateRequestMetadata",
    "PatchedWebhookEndpointUpdateRequest",
    "Problem",
    "ProblemErrors",
    "ProviderEnum",
    "Review",
    "ReviewCreateRequest",
    "ReviewItem",
    "ReviewList",
    "ReviewObjectEnum",
    "ReviewsCreateFieldsItem",
    "ReviewsListExpandItem",
    "ReviewsListFieldsItem",
    "ReviewsListOrdering",
    "ReviewsRetrieveExpandItem",
    "ReviewsRetrieveFieldsItem",
    "Reward",
    "RewardRequest",
    "SpendCapOutput",
    "SpendCapRequest",
    "Subscription",
    "SubscriptionObjectEnum",
    "SubscriptionSpendCap",
    "SubscriptionStatusEnum",
    "Usage",
    "UsageCounts",
    "UsageDay",
    "UsageKey",
    "UsageObjectEnum",
    "UsageRoute",
    "WebhookAttempt",
    "WebhookAttemptList",
    "WebhookAttemptObjectEnum",
    "WebhookAttemptsListOrdering",
    "WebhookDeliveriesAttemptsOrdering",
    "WebhookDeliveriesListOrdering",
    "WebhookDeliveriesListStatusItem",
    "WebhookDelivery",
    "WebhookDeliveryList",
    "WebhookDeliveryObjectEnum",
    "WebhookDeliveryStatusEnum",
    "WebhookEndpoint",
    "WebhookEndpointCreateRequest",
    "WebhookEndpointDeleted",
    "WebhookEndpointHealth",
    "WebhookEndpointHealthStatusEnum",
    "WebhookEndpointList",
    "WebhookEndpointObjectEnum",
    "WebhookEndpointRecoverRequest",
    "WebhookEndpointSecret",
    "WebhookEndpointSecretObjectEnum",
    "WebhookEndpointWithSecret",
    "WebhookEndpointsAttemptsOrdering",
    "WebhookEndpointsDeliveriesOrdering",
    "WebhookEndpointsDeliveriesStatusItem",
    "WebhookEndpointsListOrdering",
    "WebhookRecoverResult",
    "WebhookRecoverResultObjectEnum",
)
