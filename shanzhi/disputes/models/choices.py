"""Code lists shared by risk reports, screening findings and disputes.

The dispute categories follow the ones people's-mediation statistics commonly use; GB/T
31000's own code table was not available to check them against, so they are a default
that a deployment may change (docs/disputes.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeCategory(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family (婚姻家庭)")
    NEIGHBOURS = "neighbours", _("Neighbours (邻里)")
    HOUSING_LAND = "housing_land", _("Housing and land (房屋宅基地)")
    CONTRACT = "contract", _("Contract (合同)")
    DAMAGES = "damages", _("Damages (损害赔偿)")
    LABOUR = "labour", _("Labour (劳动争议)")
    PROPERTY_MANAGEMENT = "property_management", _("Property management (物业)")
    REQUISITION = "requisition", _("Land requisition and demolition (征地拆迁)")
    ENVIRONMENT = "environment", _("Environment (环境污染)")
    MEDICAL = "medical", _("Medical (医疗)")
    TRAFFIC = "traffic", _("Road traffic (道路交通)")
    OTHER = "other", _("Other (其他)")


class DisputeScale(models.TextChoices):
    """规模: how many people a dispute draws in and how far it may spread."""

    ORDINARY = "ordinary", _("Ordinary (一般)")
    LARGER = "larger", _("Larger (较大)")
    MAJOR = "major", _("Major (重大)")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
