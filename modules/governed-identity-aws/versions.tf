terraform {
  # Provider-defined functions (provider::nhi::identity) need Terraform 1.8 or later.
  required_version = ">= 1.8.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    # Installed from a filesystem or network mirror built by `nhi-gate terraform-provider mirror`;
    # the hostname is never contacted (see docs/terraform-provider.md).
    nhi = {
      source  = "nhi.local/nhi-governance/nhi"
      version = ">= 0.1.0"
    }
  }
}
