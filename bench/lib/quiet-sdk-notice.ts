// Imported first: the AWS SDK's notice that it will drop Node 20 in 2027 would otherwise interleave with the table (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
