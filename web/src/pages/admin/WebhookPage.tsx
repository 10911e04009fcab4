import { Placeholder } from '../../components/Placeholder';

export default function WebhookPage() {
  return <Placeholder title="Webhook" />;
}
