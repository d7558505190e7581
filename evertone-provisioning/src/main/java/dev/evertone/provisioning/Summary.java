package dev.evertone.provisioning;

/**
 * How many lines and users a plan creates, changes, leaves alone or deletes; restores also count
 * what they restore, recreate, keep (created after the restore point) and skip (changed after the
 * batch).
 */
public record Summary(
    int rows,
    int created,
    int updated,
    int unchanged,
    int deleted,
    int restored,
    int recreated,
    int kept,
    int skipped,
    int credentialChanges) {}
