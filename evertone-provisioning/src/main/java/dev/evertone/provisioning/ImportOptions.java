package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Format;
import org.jspecify.annotations.Nullable;

/**
 * How to import a file.
 *
 * @param format CSV or JSON; null: from the file name or content
 * @param fileName for messages and the audit log
 * @param dryRun plan only, write nothing
 * @param confirmLarge go ahead although the blast-radius guard finds the plan large
 * @param createDomains create domains the file names that do not exist (restoring a backup into an
 *     empty store); otherwise an unknown domain is an error, as it is most likely a typo
 */
public record ImportOptions(
    @Nullable Format format,
    @Nullable String fileName,
    boolean dryRun,
    boolean confirmLarge,
    boolean createDomains) {}
