package dev.evertone.provisioning;

/**
 * How much of a domain a plan touches, for the blast-radius guard.
 *
 * @param lines the domain's lines before the change
 * @param credentialChanges lines whose credential the plan changes, deletes or restores
 * @param percent credentialChanges as a share of lines, in percent
 */
public record DomainImpact(String domain, int lines, int credentialChanges, double percent) {}
