-- Supervisors' "awaiting the subject" section reads only the requests in that status.
CREATE INDEX requests_awaiting ON requests (due_on, id) WHERE status = 'awaiting_subject';
