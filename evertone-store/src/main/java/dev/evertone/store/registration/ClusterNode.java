package dev.evertone.store.registration;

/**
 * A node of a cluster (several evertone processes on one PostgreSQL): its id, the SIP address the
 * other nodes send to it at, and when it last said it was alive (epoch milliseconds).
 */
public record ClusterNode(String id, String sipHost, int sipPort, long lastSeen) {}
