-- 004: drop stored_file. It was written on every upload and never read: the kept files are
-- named by SHA-256 in the files folder, and submission.sha256 already records which upload
-- each file is (backups checksum the folder itself).
drop table stored_file;
