"""The evaluation results and a department's result sheet as PDF (issue 10 item 5) through
documents' path (a DocumentJob generated in the background), under the result pages' rule
(Shanghai Art. 23): a department its own result only after publication, a vice-mayor the
portfolio's, auditors and the office all — and the office alone a preview before publication.
The PDF's text is checked with pypdf and one page rendered to PNG."""

from decimal import Decimal

import pytest

from documents import services as document_services
from documents.models import DocumentJob
from evaluation import services
from evaluation.models import EvaluationResult
from tests.documents.conftest import job_file, pdf_text, render_page
from tests.evaluation import conftest as evaluation_fixtures
from tests.evaluation.conftest import accountability, fill, make_scheme
from workflow.errors import NotFoundForUser

pytestmark = pytest.mark.django_db

# The evaluation tests' city of four departments in two categories.
city = evaluation_fixtures.city
dept_d = evaluation_fixtures.dept_d
staff_c = evaluation_fixtures.staff_c
staff_d = evaluation_fixtures.staff_d


@pytest.fixture
def scoring(plan_year, city, office, government):
    scheme = make_scheme(
        "zhongshan_2012", year=plan_year, by=office, departments=list(city.values())
    )
    return services.scheme_open_scoring(scheme=scheme, by=office)


@pytest.fixture
def published(scoring, city, office, plan_year):
    for dept in city.values():
        fill(scoring, dept, {"服务对象满意度": Decimal(12)})
    accountability(plan_year, city["A"], "audit", 1, by=office)
    services.scheme_lock(scheme=scoring, by=office)
    return services.scheme_publish(scheme=scoring, by=office)


def flat(content: bytes) -> str:
    return "".join(pdf_text(content).split())


def test_the_results_pdf_lists_every_department_for_the_auditor(published, city, auditor, generate):
    job = generate(auditor, "evaluation_results", scheme=published.pk)
    content = job_file(job)
    text = flat(content)
    assert "2027年度目标考评结果" in text
    for result in EvaluationResult.objects.filter(scheme=published).select_related("department"):
        assert result.department.name in text
        assert str(result.final_score) in text
    job.refresh_from_db()
    assert sorted(job.result["department_ids"]) == sorted(d.pk for d in city.values())
    render_page(content, "evaluation-results", page=1)


def test_a_department_gets_its_result_sheet_with_scores_and_deductions(
    published, city, staff_a, generate
):
    A = city["A"]
    result = EvaluationResult.objects.get(scheme=published, department=A)
    content = job_file(
        generate(staff_a, "evaluation_result_sheet", scheme=published.pk, department=A.pk)
    )
    text = flat(content)
    assert "部门目标考评结果表" in text
    assert A.name in text
    assert str(result.final_score) in text and str(result.base_score) in text
    assert "服务对象满意度" in text and "12.00" in text
    assert "行政问责" in text  # the audit accountability record's deduction
    render_page(content, "evaluation-result-sheet", page=1)


def test_a_department_sees_only_its_own_row_in_the_results_pdf(published, city, staff_a, generate):
    job = generate(staff_a, "evaluation_results", scheme=published.pk)
    text = flat(job_file(job))
    assert city["A"].name in text
    assert city["B"].name not in text
    job.refresh_from_db()
    assert job.result["department_ids"] == [city["A"].pk]


def test_who_may_not(scoring, published, city, staff_a, other_vice_mayor, outsider):
    """Another department's sheet, a vice-mayor outside the portfolio, an outsider: 404."""

    def ask(user, kind, **params):
        return document_services.document_request(by=user, kind=kind, params=params)

    with pytest.raises(NotFoundForUser):
        ask(staff_a, "evaluation_result_sheet", scheme=published.pk, department=city["B"].pk)
    with pytest.raises(NotFoundForUser):
        ask(
            other_vice_mayor,
            "evaluation_result_sheet",
            scheme=published.pk,
            department=city["A"].pk,
        )
    with pytest.raises(NotFoundForUser):
        ask(outsider, "evaluation_results", scheme=published.pk)
    assert not DocumentJob.objects.exists()


def test_before_publication_only_the_office_side_has_a_preview(
    scoring, city, office, staff_a, vice_mayor, generate
):
    for dept in city.values():
        fill(scoring, dept, {})
    for user in (staff_a, vice_mayor):
        for kind, params in (
            ("evaluation_results", {}),
            ("evaluation_result_sheet", {"department": city["A"].pk}),
        ):
            with pytest.raises(NotFoundForUser):
                document_services.document_request(
                    by=user, kind=kind, params={"scheme": scoring.pk, **params}
                )
    text = flat(job_file(generate(office, "evaluation_results", scheme=scoring.pk)))
    assert "预览（尚未发布）" in text


def test_download_is_rechecked_against_the_result_rule(scoring, city, office, staff_a, generate):
    """A preview the office generated shows unpublished results: the office may download it,
    nobody else; and a department's sheet cannot be downloaded by another department."""
    for dept in city.values():
        fill(scoring, dept, {})
    job = generate(office, "evaluation_result_sheet", scheme=scoring.pk, department=city["A"].pk)
    job.refresh_from_db()
    assert document_services.download_allowed(office, job)
    # Even were the job the department's own, the unpublished result is not its to read.
    DocumentJob.objects.filter(pk=job.pk).update(requested_by=staff_a)
    job.refresh_from_db()
    assert not document_services.download_allowed(staff_a, job)


def test_the_result_pages_offer_the_pdfs(published, city, client, staff_a):
    client.force_login(staff_a)
    page = client.get(f"/evaluation/schemes/{published.pk}/results/{city['A'].pk}/")
    assert 'data-document="evaluation_result_sheet"' in page.content.decode()
    page = client.get(f"/evaluation/schemes/{published.pk}/results/")
    assert 'data-document="evaluation_results"' in page.content.decode()
    response = client.post(
        "/documents/request/",
        {"kind": "evaluation_result_sheet", "scheme": published.pk, "department": city["B"].pk},
    )
    assert response.status_code == 404
