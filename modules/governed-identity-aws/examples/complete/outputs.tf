output "seals" {
  description = "The nhi:seal of each identity."
  value = {
    ci_deployer      = module.ci_deployer.seal
    infra_deployer   = module.infra_deployer.seal
    orders_lambda    = module.orders_lambda.seal
    reporting_reader = module.reporting_reader.seal
    cart_pods        = module.cart_pods.seal
    db_rotator       = module.db_rotator.seal
    legacy_sftp      = module.legacy_sftp.seal
  }
}
