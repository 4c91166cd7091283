-- HR queries on the scale database, as SQLiteReportRepository builds them (values inlined) and as proposed.
-- Run on a copy:  cp DB /tmp/copy.sqlite && sqlite3 /tmp/copy.sqlite < Benchmarks/scale/experiments/queries.sql
-- Part 2 uses the indexes and aggregates of migration 2026-11-29-report-aggregates, which every generated database has.
-- Department paths are those of the default generation (seed 20261129): '/1/' the top, '/1/11/' the largest bureau,
-- '/1/11/77/' its largest division; the year is 2026 and the requirement 90 hours.
.timer on
.print == Part 1: the queries as they are
.print -- count, state=expired, top
.once /dev/null
SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired';
.print -- page rows, state=expired, sort=name, top
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name ASC, u.id ASC LIMIT 50 OFFSET 0;
.print -- count, state=expired, bureau
.once /dev/null
SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/' AND d.id_path < '/1/110' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired';
.print -- page rows, state=expired, sort=name, bureau
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/' AND d.id_path < '/1/110' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name ASC, u.id ASC LIMIT 50 OFFSET 0;
.print -- count, state=expired, division
.once /dev/null
SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired';
.print -- page rows, state=expired, sort=name, division
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name ASC, u.id ASC LIMIT 50 OFFSET 0;
.print -- count, no filter, top
.once /dev/null
SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10'));
.print -- count, below 90 hours, top
.once /dev/null
SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(h.hours, 0) < 90;
.print -- page rows, state=due_for_renewal, sort=expires, top
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'due_for_renewal' ORDER BY c.expires_at ASC, u.id ASC LIMIT 50 OFFSET 0;
.print -- hours distribution, top
.once /dev/null
SELECT CASE WHEN hours <= 0 THEN 0 WHEN hours < 22.5 THEN 1 WHEN hours < 45 THEN 2 WHEN hours < 67.5 THEN 3 WHEN hours < 90 THEN 4 ELSE 5 END AS bucket, count(*) AS people FROM (SELECT coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10'))) GROUP BY bucket;
.print -- hours distribution, bureau
.once /dev/null
SELECT CASE WHEN hours <= 0 THEN 0 WHEN hours < 22.5 THEN 1 WHEN hours < 45 THEN 2 WHEN hours < 67.5 THEN 3 WHEN hours < 90 THEN 4 ELSE 5 END AS bucket, count(*) AS people FROM (SELECT coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/' AND d.id_path < '/1/110' AND ((d.id_path >= '/1/' AND d.id_path < '/10'))) GROUP BY bucket;
.print -- hours distribution, division
.once /dev/null
SELECT CASE WHEN hours <= 0 THEN 0 WHEN hours < 22.5 THEN 1 WHEN hours < 45 THEN 2 WHEN hours < 67.5 THEN 3 WHEN hours < 90 THEN 4 ELSE 5 END AS bucket, count(*) AS people FROM (SELECT coalesce(h.hours, 0) AS hours FROM users u JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' AND ((d.id_path >= '/1/' AND d.id_path < '/10'))) GROUP BY bucket;
.print -- export, all rows in one statement (rows printed to /dev/null)
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND u.id > 0 ORDER BY u.id;
.print -- export, one batch of 2,000 from the middle
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND u.id > 500000 ORDER BY u.id LIMIT 2000;

.print == Part 2: with the aggregates (migration 2026-11-29-report-aggregates)
.print -- count, state=expired, top: certification_counts of the subtree
.once /dev/null
SELECT sum(cc.people) FROM certification_counts cc JOIN departments d ON d.id = cc.department_id
WHERE cc.program_id = 'egov-competence' AND cc.state = 'expired' AND d.id_path >= '/1/' AND d.id_path < '/10';
.print -- page rows, state=expired, sort=name, top: users walked in name order (users_name), stop at 50
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name, u.id LIMIT 50;
.print -- hours distribution, top: department_hours of the subtree
.once /dev/null
SELECT a.bucket, sum(a.people) FROM department_hours a JOIN departments d ON d.id = a.department_id
WHERE a.year = 2026 AND d.id_path >= '/1/' AND d.id_path < '/10' GROUP BY a.bucket;
.print -- count, state=expired, bureau: certification_counts of the subtree
.once /dev/null
SELECT sum(cc.people) FROM certification_counts cc JOIN departments d ON d.id = cc.department_id
WHERE cc.program_id = 'egov-competence' AND cc.state = 'expired' AND d.id_path >= '/1/11/' AND d.id_path < '/1/110';
.print -- page rows, state=expired, sort=name, bureau: users walked in name order (users_name), stop at 50
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/' AND d.id_path < '/1/110' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name, u.id LIMIT 50;
.print -- hours distribution, bureau: department_hours of the subtree
.once /dev/null
SELECT a.bucket, sum(a.people) FROM department_hours a JOIN departments d ON d.id = a.department_id
WHERE a.year = 2026 AND d.id_path >= '/1/11/' AND d.id_path < '/1/110' GROUP BY a.bucket;
.print -- count, state=expired, division: certification_counts of the subtree
.once /dev/null
SELECT sum(cc.people) FROM certification_counts cc JOIN departments d ON d.id = cc.department_id
WHERE cc.program_id = 'egov-competence' AND cc.state = 'expired' AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770';
.print -- page rows, state=expired, sort=name, division: users walked in name order (users_name), stop at 50
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'expired' ORDER BY u.display_name, u.id LIMIT 50;
.print -- hours distribution, division: department_hours of the subtree
.once /dev/null
SELECT a.bucket, sum(a.people) FROM department_hours a JOIN departments d ON d.id = a.department_id
WHERE a.year = 2026 AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' GROUP BY a.bucket;
.print -- page rows, no filter, sort=name, top
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) ORDER BY u.display_name, u.id LIMIT 50;
.print -- page rows, below 90 hours, sort=name, top
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(h.hours, 0) < 90 ORDER BY u.display_name, u.id LIMIT 50;
.print -- page rows, state=revoked (2 %), sort=name, top
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at, c.certificate_id, coalesce(h.hours, 0) AS hours FROM users u CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN certifications c ON c.user_id = u.id AND c.program_id = 'egov-competence'
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE u.disabled = 0 AND d.id_path >= '/1/' AND d.id_path < '/10' AND ((d.id_path >= '/1/' AND d.id_path < '/10')) AND coalesce(c.state, 'not_started') = 'revoked' ORDER BY u.display_name, u.id LIMIT 50;
.print -- count, below 90 hours, top: people minus bucket 5
.once /dev/null
SELECT (SELECT sum(p.people) FROM department_people p JOIN departments d ON d.id = p.department_id
        WHERE d.id_path >= '/1/' AND d.id_path < '/10')
     - ifnull((SELECT sum(a.people) FROM department_hours a JOIN departments d ON d.id = a.department_id
               WHERE a.year = 2026 AND a.bucket = 5 AND d.id_path >= '/1/' AND d.id_path < '/10'), 0);
.print -- page rows, state=due_for_renewal, sort=expires, top: certifications first, in expiry order
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
       c.certificate_id, coalesce(h.hours, 0) AS hours
FROM certifications c CROSS JOIN users u ON u.id = c.user_id CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE c.program_id = 'egov-competence' AND c.state = 'due_for_renewal' AND u.disabled = 0
  AND d.id_path >= '/1/' AND d.id_path < '/10'
ORDER BY c.expires_at, u.id LIMIT 50;
.print -- summary state counts of the subtree's departments, top (grouped per child in Swift)
.once /dev/null
SELECT d.id_path, cc.state, cc.people FROM departments d CROSS JOIN certification_counts cc
  ON cc.program_id = 'egov-competence' AND cc.department_id = d.id
WHERE d.id_path >= '/1/' AND d.id_path < '/10' AND cc.people > 0;
.print -- page rows, state=due_for_renewal, sort=expires, division: certifications first, in expiry order
.once /dev/null
SELECT u.id, u.login, u.display_name, u.employee_number, u.department_id, c.state, c.certified_at, c.expires_at,
       c.certificate_id, coalesce(h.hours, 0) AS hours
FROM certifications c CROSS JOIN users u ON u.id = c.user_id CROSS JOIN departments d ON d.id = u.department_id
LEFT JOIN user_year_hours h ON h.user_id = u.id AND h.year = 2026
WHERE c.program_id = 'egov-competence' AND c.state = 'due_for_renewal' AND u.disabled = 0
  AND d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770'
ORDER BY c.expires_at, u.id LIMIT 50;
.print -- summary state counts of the subtree's departments, division (grouped per child in Swift)
.once /dev/null
SELECT d.id_path, cc.state, cc.people FROM departments d CROSS JOIN certification_counts cc
  ON cc.program_id = 'egov-competence' AND cc.department_id = d.id
WHERE d.id_path >= '/1/11/77/' AND d.id_path < '/1/11/770' AND cc.people > 0;
