"""The columns of ``projection.csv`` in order (data: which series a projection reports, and
the contract of the first 17). Their labels for people are in :mod:`model.output.labels`."""

from __future__ import annotations

#: Columns of ``projection.csv`` in order; the first 17 are the contract every consumer may rely on.
CONTRACT_COLUMNS = (
    "fund", "year", "contributors", "beneficiaries", "dependency_ratio", "contribution_income",
    "interest_income", "subsidy_income", "other_income", "total_income", "benefit_expenditure",
    "other_expenditure", "total_expenditure", "balance", "reserve_end", "months_of_payout",
    "subsidy_need",
)
EXTRA_COLUMNS = (
    "reserve_start", "pension_expenditure", "funeral_grant_expenditure", "subsidy_due",
    "subsidy_due_central", "subsidy_due_region", "subsidy_due_prefecture", "subsidy_due_county",
    "reserve_end_without_subsidy", "subsidy_shortfall", "account_liability", "population_total", "entrants",
    "retirements", "deaths_retired", "new_beneficiaries", "deaths_beneficiaries",
    "survivors_lump_sum_expenditure", "account_refund_expenditure", "account_balance",
    "new_award_mean_monthly_yuan", "new_award_to_average_wage", "pension_in_payment_mean_monthly_yuan",
    "pension_in_payment_to_average_wage", "replacement_rate",
)
CSV_COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS
