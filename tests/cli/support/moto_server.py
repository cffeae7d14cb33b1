"""moto's standalone server, with the wire fixes the tests need, then `moto.server.main`.

    python moto_server.py -p 0 -H 127.0.0.1     (moto.server's own arguments)

moto 5.2.6 differs from AWS in two places that the Rust SDK cannot read past; both are fixed here,
in the test tree, so that lakeops talks to moto exactly as it talks to AWS:

  * kinesisanalyticsv2 (Managed Service for Apache Flink): DescribeApplication's timestamps are
    ISO strings where AWS (awsJson1_1) sends epoch seconds, and its ApplicationName is missing;
  * opensearchserverless: GetAccountSettings is not implemented (HTTP 500). It answers with the
    response in moto_recorded/aoss_get_account_settings.json (AWS's awsJson1_0 body, written from
    the API model, botocore's opensearchserverless/2021-11-01: no AWS account answers here), or
    with the file that LAKEOPS_AOSS_ACCOUNT_SETTINGS names.
"""
import datetime
import json
import os
import sys

import moto.kinesisanalyticsv2.models as flink
from moto.opensearchserverless.responses import OpenSearchServiceServerlessResponse

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(HERE, "moto_recorded", "aoss_get_account_settings.json")


def _epoch(value):
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value).timestamp()
    return value


def _as_aws_sends(describe):
    def wrapped(self, application_name, *args, **kwargs):
        detail = describe(self, application_name, *args, **kwargs)
        for key in ("CreateTimestamp", "LastUpdateTimestamp", "ApplicationVersionCreateTimestamp"):
            if key in detail:
                detail[key] = _epoch(detail[key])
        detail.setdefault("ApplicationName", self.applications[application_name].application_name)
        return detail

    return wrapped


flink.KinesisAnalyticsV2Backend.describe_application = _as_aws_sends(
    flink.KinesisAnalyticsV2Backend.describe_application
)


def get_account_settings(self):
    with open(os.environ.get("LAKEOPS_AOSS_ACCOUNT_SETTINGS", RECORDED)) as f:
        return json.dumps(json.load(f))


OpenSearchServiceServerlessResponse.get_account_settings = get_account_settings

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main(sys.argv[1:]))
