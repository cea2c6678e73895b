import type { Container } from '@azure/cosmos';
import type { NotificationTarget, NotificationTargetStore } from '../../notifications/notification-targets';
import { createDoc, deleteDoc, docId, queryAll, readDoc, withoutFields, type Doc } from './cosmos-documents';

/**
 * Notification targets and claimed notices as documents of the tenant's partition in the `tenant`
 * container:
 *   target        id `notification-target|<targetId>`   (replaced on every subscribe)
 *   claimed notice id `notice-claim|<noticeKey>`           (created once; a second create is 409)
 */
type TargetDoc = Doc & NotificationTarget & { type: 'notification-target' };
type ClaimDoc = Doc & { type: 'notice-claim'; tenantId: string; noticeKey: string; claimedAt: string };

const targetDocId = (targetId: string) => docId('notification-target', targetId);
const claimDocId = (noticeKey: string) => docId('notice-claim', noticeKey);

export class CosmosNotificationTargetStore implements NotificationTargetStore {
  constructor(private readonly container: Container) {}

  async putTarget(target: NotificationTarget): Promise<void> {
    await this.container.items.upsert<TargetDoc>({
      ...target,
      id: targetDocId(target.targetId),
      type: 'notification-target',
    });
  }

  async getTarget(tenantId: string, targetId: string): Promise<NotificationTarget | undefined> {
    const doc = await readDoc<TargetDoc>(this.container, targetDocId(targetId), tenantId);
    return doc && withoutFields<NotificationTarget>(doc, 'id', 'type');
  }

  async listTargets(tenantId: string): Promise<NotificationTarget[]> {
    const docs = await queryAll<TargetDoc>(
      this.container,
      {
        query: "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'notification-target' ORDER BY c.targetId",
        parameters: [{ name: '@t', value: tenantId }],
      },
      tenantId,
    );
    return docs.map((doc) => withoutFields<NotificationTarget>(doc, 'id', 'type'));
  }

  async removeTarget(tenantId: string, targetId: string): Promise<boolean> {
    return deleteDoc(this.container, targetDocId(targetId), tenantId);
  }

  async claimNotice(tenantId: string, noticeKey: string, at: string): Promise<boolean> {
    const doc: ClaimDoc = {
      id: claimDocId(noticeKey),
      type: 'notice-claim',
      tenantId,
      noticeKey,
      claimedAt: at,
    };
    return (await createDoc(this.container, doc)) !== undefined;
  }
}
