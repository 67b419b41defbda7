"use strict";
// @pulumi/awsguard with every policy mandatory: the pack the nhi-governance pack is measured against.
const { AwsGuard } = require("@pulumi/awsguard");
new AwsGuard({ all: "mandatory" });
