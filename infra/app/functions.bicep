// Flex Consumption plan and the NetworkBuster.Training function app (.NET 10 isolated worker).
//
// On Flex Consumption the runtime, its version and scaling live in `functionAppConfig`, not in
// app settings: FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE,
// WEBSITE_CONTENTSHARE, WEBSITE_CONTENTAZUREFILECONNECTIONSTRING and the other settings listed under
// "Flex Consumption plan deprecations" in the Functions app settings reference must not be set.
// Every connection is identity-based (user-assigned identity); no keys or connection strings.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name; must match the service in azure.yaml.')
param serviceName string = 'functions'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity the app runs as.')
param identityClientId string

@description('Name of the storage account used for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentStorageContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Functions worker runtime version (functionAppConfig.runtime.version).')
param runtimeVersion string = '10.0'

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 4096

@description('Maximum number of instances the app scales out to (Flex Consumption rejects less than 40 in most regions).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances of the `durable` per-function scale group (orchestrators, activities, entities); 0 for none.')
@minValue(0)
@maxValue(1000)
param durableAlwaysReadyInstanceCount int = 1

@description('App-specific settings merged into the identity-based host settings.')
param appSettings object = {}

@description('Client id of the Entra ID app registration that protects the HTTP API (App Service authentication); empty for function keys only.')
param apiEntraClientId string = ''

@description('Tenant of that app registration.')
param apiEntraTenantId string = tenant().tenantId

@description('Token audiences the API accepts; empty for api://{client id} and the client id itself.')
param apiEntraAllowedAudiences array = []

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var hostSettings = {
  // Host storage and Durable Functions (blob, queue and table) through the user-assigned identity.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Application Insights with Entra ID authentication (local auth is disabled on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: map(items(union(appSettings, hostSettings)), setting => {
        name: setting.key
        value: setting.value
      })
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        // Per-function scaling puts all Durable triggers in the `durable` group; keeping an instance of it warm
        // saves a cold start on the first orchestration. The queue and timer triggers still scale from zero.
        alwaysReady: durableAlwaysReadyInstanceCount > 0
          ? [
              {
                name: 'durable'
                instanceCount: durableAlwaysReadyInstanceCount
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }
}

output name string = functionApp.name
output resourceId string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName

// Entra ID in front of the HTTP API (App Service authentication, "Easy Auth"): a request without a valid token for the
// app registration gets 401 before it reaches a function. The OpenAPI document stays public. The function key is still
// checked after it (the triggers are compiled with AuthorizationLevel.Function, which a deployment cannot change), so
// this adds a layer; it never opens one.
resource apiAuthentication 'Microsoft.Web/sites/config@2025-03-01' = if (!empty(apiEntraClientId)) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/openapi.json'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiEntraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${apiEntraTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(apiEntraAllowedAudiences) ? [
            'api://${apiEntraClientId}'
            apiEntraClientId
          ] : apiEntraAllowedAudiences
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output apiAuthentication string = empty(apiEntraClientId) ? 'functionKeys' : 'entraIdAndFunctionKeys'
