import { createMinyi, sampleDirectory } from "@minyi/core"
import { smsGateway } from "./sms-gateway.js"

/** A portal plugs its SMS gateway in as the notifier of the rules' notifications. */
export const portal = (gatewayUrl: string) =>
  createMinyi({
    directory: sampleDirectory(),
    rulePack: "futian-10-30-24",
    notifiers: {
      default: smsGateway({
        url: gatewayUrl,
        apiKey: "demo-key",
        numbers: { "person:person.deputy-head.1": "13800000001", "unit:dept.urban-management": "13800000002" }
      })
    }
  })
