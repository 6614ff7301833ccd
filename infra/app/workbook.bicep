// Azure Monitor workbook for training runs. The workbook content lives in workbook.json; its
// queries target the Application Insights component whose id replaces __APPINSIGHTS_ID__.

@description('Azure region of the workbook.')
param location string

@description('Tags applied to the workbook.')
param tags object = {}

@description('Resource id of the Application Insights component the workbook queries.')
param applicationInsightsId string

@description('Display name of the workbook.')
param displayName string = 'NetworkBuster training runs'

@description('Seed for the workbook name, which must be a GUID.')
param nameSeed string = resourceGroup().id

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(nameSeed, applicationInsightsId, 'nbtraining-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsightsId
    version: 'Notebook/1.0'
    serializedData: replace(loadTextContent('workbook.json'), '__APPINSIGHTS_ID__', applicationInsightsId)
  }
}

output workbookId string = workbook.id
