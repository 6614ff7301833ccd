// Log search alerts over the Application Insights component (classic `traces` schema).
//
// Poison queue: Azure Monitor storage metrics (QueueMessageCount) are per account, not per
// queue, and only refresh about hourly, so a metric alert cannot watch `ai-training-jobs-poison`
// alone. Instead this alerts on the warning the Functions host logs when it moves a message
// there: "Message has reached MaxDequeueCount of N. Moving message to queue '<poison queue>'."
// (It fires when a message is poisoned, not while messages sit in the queue.) The app's own record of
// it, "Message {MessageId} (job {JobId}) moved to {PoisonQueue}: ...", feeds the workbook's failures.
//
// Failed runs: a run row ends Failed in two places, so the alert unions two app logs (both land in
// `traces`, their message-template values in customDimensions):
// - the workflow: "Training run {JobId} for {Model} finished {Status} ..." (Status == Failed);
// - admission, for a message rejected before any workflow starts (invalid JSON, unknown model,
//   bad hyperparameters, ...): "Rejected message {MessageId} as job {JobId}: {ErrorCode} ..." at
//   Warning from NetworkBuster.Training.Hosting.JobAdmission. That log names no Model, so those
//   rows are grouped under "(not admitted)". The nbtraining.runs metric counts only the first kind.

@description('Azure region of the alert rules.')
param location string

@description('Tags applied to the alert resources.')
param tags object = {}

@description('Resource id of the Application Insights component the alerts query.')
param applicationInsightsId string

@description('Name of the poison queue to watch.')
param poisonQueueName string

@description('Name prefix for the alert rules.')
param namePrefix string

@description('Name of the action group created when alertEmailAddress is set.')
param actionGroupName string

@description('Email address notified by the alerts; empty creates no action group.')
param alertEmailAddress string = ''

@description('PSI above which a feature of a new dataset is major drift (keep equal to the app setting Training:Drift:MajorPsi).')
param majorDriftPsi string = '0.25'

var createActionGroup = !empty(alertEmailAddress)

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (createActionGroup) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'nbtraining'
    enabled: true
    emailReceivers: [
      {
        name: 'training-owner'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = createActionGroup ? [actionGroup.id] : []

// Host warning written when a queue message is moved to the poison queue.
var poisonQueueQuery = replace(
  '''
traces
| where message has "MaxDequeueCount" and message contains "'__POISON_QUEUE__'"
| project timestamp, message, operation_Name, cloud_RoleInstance
''',
  '__POISON_QUEUE__',
  poisonQueueName
)

// One row per failed run (workflow failures and admission rejections); split by Model so each failing
// model gets its own alert, and all rejected messages share one.
var failedRunsQuery = '''
let workflowFailures = traces
| where message startswith "Training run " and tostring(customDimensions.Status) == "Failed"
| extend Source = "workflow";
let admissionRejections = traces
| where message startswith "Rejected message " and isnotempty(customDimensions.ErrorCode)
| extend Source = "admission";
union workflowFailures, admissionRejections
| extend JobId = tostring(customDimensions.JobId), Model = tostring(customDimensions.Model), ErrorCode = tostring(customDimensions.ErrorCode)
| extend Model = iff(isempty(Model), "(not admitted)", Model)
| project timestamp, JobId, Model, ErrorCode, Source, message
'''

// Major data drift: the app records nbtraining.drift.psi (OpenTelemetry, customMetrics) for each of a new
// dataset's most drifted features against the current version's profile, with model and feature dimensions.
var majorDriftQuery = replace(
  '''
customMetrics
| where name == "nbtraining.drift.psi"
| extend Model = tostring(customDimensions.model), Feature = tostring(customDimensions.feature)
| summarize MaxPsi = max(valueMax) by Model, Feature
| where MaxPsi > __MAJOR_PSI__
''',
  '__MAJOR_PSI__',
  majorDriftPsi
)

resource poisonQueueAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-poison-queue'
  location: location
  tags: tags
  properties: {
    displayName: 'NetworkBuster training: job moved to ${poisonQueueName}'
    description: 'A training job message reached MaxDequeueCount and was moved to the poison queue ${poisonQueueName}. Inspect it with `nbtrain` or Storage Explorer, fix, and resubmit.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: poisonQueueQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true // the table has no rows until the app first logs
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource failedRunsAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-failed-runs'
  location: location
  tags: tags
  properties: {
    displayName: 'NetworkBuster training: failed training runs'
    description: 'At least one training run failed in the last 15 minutes: a workflow that finished Failed, or a job message rejected at admission (its run row is Failed with the error code). Open the NetworkBuster training workbook for error codes.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: failedRunsQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'Model'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource majorDriftAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-major-drift'
  location: location
  tags: tags
  properties: {
    displayName: 'NetworkBuster training: major data drift'
    description: 'A new dataset has a feature whose PSI against the current version\'s training profile exceeds ${majorDriftPsi}. See the run\'s Drift column, `nbtrain drift`, and the version\'s report.html.'
    severity: 3
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: majorDriftQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'Model'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

output actionGroupId string = createActionGroup ? actionGroup.id : ''
output poisonQueueAlertId string = poisonQueueAlert.id
output failedRunsAlertId string = failedRunsAlert.id
output majorDriftAlertId string = majorDriftAlert.id
