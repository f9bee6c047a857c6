package dev.cacheflush.config;

/**
 * ElastiCache IAM authentication: instead of a password, a short-lived token signed with the AWS
 * credentials of whoever runs the tool.
 *
 * @param user the ElastiCache user (IAM-enabled users have user id = user name)
 * @param cacheName the replication group id, or the serverless cache name, as ElastiCache spells it
 * @param region the AWS region; null lets the AWS SDK find it (profile, instance metadata)
 * @param serverless whether the cache is ElastiCache Serverless, which the token must say
 */
public record IamSettings(String user, String cacheName, String region, boolean serverless) {}
