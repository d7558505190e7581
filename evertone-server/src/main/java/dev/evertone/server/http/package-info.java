/**
 * HTTP: Prometheus metrics, health, and the admin API ({@code /api/v1}) with its OpenAPI document, on
 * Javalin. One place turns failures into JSON errors ({@link dev.evertone.server.http.ApiError}).
 */
package dev.evertone.server.http;
