// NetworkBuster.Training on Azure Functions Flex Consumption (.NET 10 isolated), provisioned by azd.
// Subscription scope: creates the resource group, then everything inside it through modules.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used for the resource group name and the unique resource token.')
param environmentName string

// Flex Consumption is not available in every region. The list below is the one Microsoft's Flex Consumption
// azd templates allow (Azure-Samples/functions-quickstart-dotnet-azd, 2026-02, without the eastus2euap canary);
// `az functionapp list-flexconsumption-locations --output table` shows today's list for your subscription.
@minLength(1)
@description('Primary location for all resources; must support the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); granted the storage data roles (nbtrain CLI) and Monitoring Metrics Publisher on Application Insights. Empty to skip.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Email address for alert notifications; empty creates the alert rules without an action group.')
param alertEmailAddress string = ''

@description('Maximum number of Flex Consumption instances (40-1000; Flex rejects less than 40 in most regions). Each instance has instanceMemoryMB of memory.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances of the `durable` scale group (orchestrator, activity and entity triggers), billed while idle; 0 lets the group scale to zero. At most maximumInstanceCount.')
@minValue(0)
@maxValue(1000)
param durableAlwaysReadyInstanceCount int = 1

@description('Memory per Flex Consumption instance in MB; ML.NET training is memory-heavy.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Durable Functions task hub name (host.json reads %TaskHubName%): 3-45 letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'nbtraining'

@description('NCRONTAB schedule of the visitor behavior model training.')
param visitorBehaviorSchedule string = '0 0 2 * * *'

@description('NCRONTAB schedule of the sustainability model training.')
param sustainabilitySchedule string = '0 0 3 * * 0'

@description('NCRONTAB schedule of the performance optimizer model training.')
param performanceOptimizerSchedule string = '0 5 * * * *'

@description('NCRONTAB schedule of the content recommender model training.')
param contentRecommenderSchedule string = '0 */15 * * * *'

@description('Client id of an Entra ID app registration that protects the HTTP API (App Service authentication in front of the function keys); empty for function keys only.')
param apiEntraClientId string = ''

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var appName = '${abbrs.webSitesFunctions}training-${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(appName, 32)}-${take(toLower(uniqueString(appName, resourceToken)), 7)}'

// Names the app and the nbtrain CLI use; keep in sync with src/NetworkBuster.Training/Storage/StorageNames.cs.
var jobsQueueName = 'ai-training-jobs'
var poisonQueueName = '${jobsQueueName}-poison'
var blobContainers = [
  'ai-training-datasets'
  'ml-models'
  'training-staging'
  deploymentStorageContainerName
]
var tables = [
  'ModelRegistry'
  'TrainingRuns'
  'ModelHistory'
]

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}training-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: blobContainers
    queues: [
      jobsQueueName
      poisonQueueName
    ]
    tables: tables
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    managedIdentityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    name: appName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    runtimeVersion: '10.0'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    durableAlwaysReadyInstanceCount: durableAlwaysReadyInstanceCount
    apiEntraClientId: apiEntraClientId
    appSettings: {
      TaskHubName: taskHubName
      VisitorBehaviorSchedule: visitorBehaviorSchedule
      SustainabilitySchedule: sustainabilitySchedule
      PerformanceOptimizerSchedule: performanceOptimizerSchedule
      ContentRecommenderSchedule: contentRecommenderSchedule
    }
  }
  // Start the app only once its identity can read the deployment package and host storage.
  dependsOn: [
    rbac
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    poisonQueueName: poisonQueueName
    namePrefix: 'nbtraining-${resourceToken}'
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    alertEmailAddress: alertEmailAddress
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

// Outputs become azd environment variables (.azure/<env>/.env), read by the nbtrain CLI.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output API_AUTHENTICATION string = functions.outputs.apiAuthentication
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
