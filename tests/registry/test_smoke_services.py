from cqo.registry.models import Appointment
from cqo.test import file_appointment


def test_it_files_an_appointment_through_the_workflow(personas):
    appt = file_appointment(personas)
    assert appt.status == Appointment.Status.FILED
    assert appt.filing_number.startswith("6101132026")
    assert appt.snapshot["person"]["name"] == "李堃"
