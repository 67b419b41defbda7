variable "recertify_by" {
  description = "The date (YYYY-MM-DD) by which the owners recertify these identities; within the gate config's recertification window (180 days)."
  type        = string
}

variable "now" {
  description = "The instant dates are judged at (RFC 3339); default plantimestamp()."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}
