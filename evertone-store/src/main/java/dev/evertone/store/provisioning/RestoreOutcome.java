package dev.evertone.store.provisioning;

/** A restore's plan, and whether it was applied. */
public record RestoreOutcome(RestorePlan plan, boolean applied) {}
