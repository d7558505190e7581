/**
 * Operations endpoints over HTTP: Prometheus metrics and health.
 */
package dev.evertone.server.http;
