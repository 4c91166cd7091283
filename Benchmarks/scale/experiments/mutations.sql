-- A mixed batch of writes through the triggers (hours credited, states changed, certifications added and removed,
-- people moved, disabled and enabled, hours credited to disabled people who are then enabled), to run between two
-- runs of check-aggregates.sql.
BEGIN;
-- hours: new year rows and additions (through the ledger trigger, as the server writes them)
INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
  SELECT id, 2026, 'module', 'bench', 'm' || (id % 7), 30 + (id % 50), 1795000000 FROM users WHERE id % 997 = 3;
INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
  SELECT id, 2027, 'quiz', 'bench', 'q', 95, 1800000000 FROM users WHERE id % 1999 = 5;
-- state changes
UPDATE certifications SET state = 'expired' WHERE user_id % 1013 = 7 AND state = 'certified';
UPDATE certifications SET state = 'certified' WHERE user_id % 1409 = 11 AND state <> 'certified';
-- new certifications and deletions
INSERT INTO certifications (user_id, program_id, department_id, state, updated_at)
  SELECT id, 'egov-competence', department_id, 'in_progress', 0 FROM users u WHERE id % 1201 = 13
  AND NOT EXISTS (SELECT 1 FROM certifications c WHERE c.user_id = u.id);
DELETE FROM certifications WHERE user_id % 2003 = 17;
-- moves, disabling, enabling, both at once
UPDATE users SET department_id = 2 + (id % 4999) WHERE id % 1511 = 19;
UPDATE users SET disabled = 1 WHERE id % 1601 = 23 AND disabled = 0;
UPDATE users SET disabled = 0 WHERE id % 3 = 0 AND disabled = 1;
UPDATE users SET disabled = 1 - disabled, department_id = 2 + ((id * 7) % 4999) WHERE id % 2203 = 29;
-- hours of disabled people change; then they are enabled
INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
  SELECT id, 2026, 'module', 'bench2', 'x', 12, 1795000000 FROM users WHERE disabled = 1 AND id % 5 = 1;
UPDATE users SET disabled = 0 WHERE disabled = 1 AND id % 5 = 1;
COMMIT;
