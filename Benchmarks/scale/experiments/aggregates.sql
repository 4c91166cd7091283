-- The reporting aggregates as first tried on a copy of the scale database; the migration
-- `2026-11-29-report-aggregates` (Sources/TrainingServer/Storage/Migrations.swift) is what ships. Try it on a copy:
--   sqlite3 /tmp/copy.sqlite < Benchmarks/scale/experiments/aggregates.sql
-- 1. users_name: walk people in name order and stop after a page, instead of sorting everyone in scope.
-- 2. certification_counts and its triggers count enabled people only, like department_people, so summary counts,
--    people-list totals and department_people agree (today disabled people's certifications are counted).
-- 3. department_hours: people per department, year and study-hours bucket (1/4, 1/2, 3/4 and all of the yearly
--    requirement), kept by triggers, for the summary's hours chart and the "below the requirement" total.
--    The requirement is read from settings ('reports.required_hours'); the server would write it at start and
--    rebuild the table (one GROUP BY, about 5 s at 1,000,000 people) when --yearly-hours changes.
-- 4. users_count_update moves a person's counts when they change department or are disabled or enabled: out of
--    every aggregate as they were, back in as they are.
CREATE INDEX users_name ON users(display_name);

INSERT INTO settings (key, value) VALUES ('reports.required_hours', '90')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

DROP TRIGGER certifications_count_insert;
DROP TRIGGER certifications_count_update;
DROP TRIGGER certifications_count_delete;
DROP TRIGGER users_count_update;

CREATE TRIGGER certifications_count_insert AFTER INSERT ON certifications
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
    INSERT INTO certification_counts (program_id, department_id, state, people)
        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;
-- State changes only; department moves and enabling/disabling are handled by users_count_update.
CREATE TRIGGER certifications_count_update AFTER UPDATE OF state ON certifications
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 AND OLD.department_id = NEW.department_id BEGIN
    UPDATE certification_counts SET people = people - 1
        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
    INSERT INTO certification_counts (program_id, department_id, state, people)
        VALUES (NEW.program_id, NEW.department_id, NEW.state, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;
CREATE TRIGGER certifications_count_delete AFTER DELETE ON certifications
WHEN (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 BEGIN
    UPDATE certification_counts SET people = people - 1
        WHERE program_id = OLD.program_id AND department_id = OLD.department_id AND state = OLD.state;
END;

CREATE TABLE department_hours (
    department_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    -- 1..5: below 1/4, 1/2, 3/4, all of the requirement, then at or above it; people without hours have no row
    bucket INTEGER NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, year, bucket)
) WITHOUT ROWID;

CREATE VIEW user_year_hours_bucket AS
    SELECT h.user_id, h.year, h.hours,
           CASE WHEN h.hours <= 0 THEN 0 WHEN h.hours < r.required * 0.25 THEN 1 WHEN h.hours < r.required * 0.5 THEN 2
                WHEN h.hours < r.required * 0.75 THEN 3 WHEN h.hours < r.required THEN 4 ELSE 5 END AS bucket
    FROM user_year_hours h, (SELECT CAST(value AS REAL) AS required FROM settings WHERE key = 'reports.required_hours') r;

INSERT INTO department_hours (department_id, year, bucket, people)
    SELECT u.department_id, b.year, b.bucket, count(*) FROM user_year_hours_bucket b JOIN users u ON u.id = b.user_id
    WHERE u.disabled = 0 AND b.bucket > 0 GROUP BY 1, 2, 3;

CREATE TRIGGER user_year_hours_bucket_insert AFTER INSERT ON user_year_hours
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
    INSERT INTO department_hours (department_id, year, bucket, people)
        SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b JOIN users u ON u.id = b.user_id
        WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
        ON CONFLICT DO UPDATE SET people = people + 1;
END;
CREATE TRIGGER user_year_hours_bucket_update BEFORE UPDATE OF hours ON user_year_hours
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
    UPDATE department_hours SET people = people - 1
        WHERE (department_id, year, bucket) IN (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                                                JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
END;
CREATE TRIGGER user_year_hours_bucket_updated AFTER UPDATE OF hours ON user_year_hours
WHEN (SELECT disabled FROM users WHERE id = NEW.user_id) = 0 BEGIN
    INSERT INTO department_hours (department_id, year, bucket, people)
        SELECT u.department_id, b.year, b.bucket, 1 FROM user_year_hours_bucket b JOIN users u ON u.id = b.user_id
        WHERE b.user_id = NEW.user_id AND b.year = NEW.year AND b.bucket > 0
        ON CONFLICT DO UPDATE SET people = people + 1;
END;
CREATE TRIGGER user_year_hours_bucket_delete BEFORE DELETE ON user_year_hours
WHEN (SELECT disabled FROM users WHERE id = OLD.user_id) = 0 BEGIN
    UPDATE department_hours SET people = people - 1
        WHERE (department_id, year, bucket) IN (SELECT u.department_id, b.year, b.bucket FROM user_year_hours_bucket b
                                                JOIN users u ON u.id = b.user_id WHERE b.user_id = OLD.user_id AND b.year = OLD.year);
END;

-- Moves and enabling/disabling: take the person out of every aggregate as they were, put them back as they are.
CREATE TRIGGER users_count_update AFTER UPDATE OF department_id, disabled ON users BEGIN
    UPDATE department_people SET people = people - 1
        WHERE department_id = OLD.department_id AND OLD.disabled = 0;
    INSERT INTO department_people (department_id, people)
        SELECT NEW.department_id, 1 WHERE NEW.disabled = 0
        ON CONFLICT (department_id) DO UPDATE SET people = people + 1;

    UPDATE certification_counts SET people = people - 1
        WHERE OLD.disabled = 0 AND (program_id, department_id, state) IN
              (SELECT program_id, OLD.department_id, state FROM certifications WHERE user_id = NEW.id);
    UPDATE department_hours SET people = people - 1
        WHERE OLD.disabled = 0 AND (department_id, year, bucket) IN
              (SELECT OLD.department_id, year, bucket FROM user_year_hours_bucket WHERE user_id = NEW.id AND bucket > 0);

    UPDATE certifications SET department_id = NEW.department_id
        WHERE user_id = NEW.id AND NEW.department_id <> OLD.department_id;

    INSERT INTO certification_counts (program_id, department_id, state, people)
        SELECT program_id, NEW.department_id, state, 1 FROM certifications WHERE user_id = NEW.id AND NEW.disabled = 0
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO department_hours (department_id, year, bucket, people)
        SELECT NEW.department_id, year, bucket, 1 FROM user_year_hours_bucket
        WHERE user_id = NEW.id AND bucket > 0 AND NEW.disabled = 0
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

-- The counts of enabled people only.
DELETE FROM certification_counts;
INSERT INTO certification_counts (program_id, department_id, state, people)
    SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c JOIN users u ON u.id = c.user_id
    WHERE u.disabled = 0 GROUP BY 1, 2, 3;
