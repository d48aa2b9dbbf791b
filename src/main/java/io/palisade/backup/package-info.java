/**
 * Backups of the store and their restore (docs/backup.md): {@link io.palisade.backup.StoreBackup}
 * copies a SQLite store while it serves into one archive with a {@link io.palisade.backup.BackupManifest};
 * {@link io.palisade.backup.StoreRestore} puts one back only after its checksum, schema and audit
 * chain check out; {@link io.palisade.backup.ChainCheck} is the chain verification both share, and
 * that checks a PostgreSQL store restored from pg_dump against its manifest.
 */
package io.palisade.backup;
