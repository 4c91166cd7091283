-- Compares the trigger-kept aggregates with what they summarise; every line should print 0.
--   sqlite3 /tmp/copy.sqlite < Benchmarks/scale/experiments/check-aggregates.sql
.print -- mismatches, certification_counts vs enabled people's certifications
SELECT count(*) FROM (
  SELECT program_id, department_id, state, people FROM certification_counts WHERE people <> 0
  EXCEPT SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c JOIN users u ON u.id = c.user_id WHERE u.disabled = 0 GROUP BY 1, 2, 3);
SELECT count(*) FROM (
  SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c JOIN users u ON u.id = c.user_id WHERE u.disabled = 0 GROUP BY 1, 2, 3
  EXCEPT SELECT program_id, department_id, state, people FROM certification_counts WHERE people <> 0);
.print -- mismatches, department_hours vs enabled people's hours
SELECT count(*) FROM (
  SELECT department_id, year, bucket, people FROM department_hours WHERE people <> 0
  EXCEPT SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0 GROUP BY 1, 2, 3);
SELECT count(*) FROM (
  SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 AND b.bucket > 0 GROUP BY 1, 2, 3
  EXCEPT SELECT department_id, year, bucket, people FROM department_hours WHERE people <> 0);
.print -- mismatches, department_people
SELECT count(*) FROM (SELECT department_id, people FROM department_people WHERE people <> 0 EXCEPT SELECT department_id, count(*) FROM users WHERE disabled = 0 GROUP BY 1);
SELECT count(*) FROM (SELECT department_id, count(*) FROM users WHERE disabled = 0 GROUP BY 1 EXCEPT SELECT department_id, people FROM department_people WHERE people <> 0);
